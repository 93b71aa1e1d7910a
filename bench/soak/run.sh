#!/usr/bin/env bash
# Soak of the built appliance: traffic, malformed frames, MAC floods, module swaps and port churn for N minutes, then
# a report (also in itests/target/instances/soak/soak-report.txt). Uses the distribution installed in ~/.m2 (build it
# first: mvn install) and the end-to-end test support classes of itests. Needs root, iproute2 and python3.
# Usage: bench/soak/run.sh [minutes]   (default 3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$here/target"
mkdir -p "$out/classes"
(cd "$root" && mvn -q -o -pl itests test-compile >/dev/null && mvn -q -o -pl itests dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
cp="$root/itests/target/test-classes:$(cat "$out/classpath.txt")"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$cp" $(find "$here/src" -name '*.java')
exec "$JAVA_HOME/bin/java" -Dringswitch.distribution="$root/itests/target/distribution" \
    -cp "$out/classes:$cp" dev.ringswitch.soak.Soak "$@"
