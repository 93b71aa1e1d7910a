#!/usr/bin/env bash
# Builds the stats bench against the installed datapath/stats/testkit/api artifacts and runs it.
# Usage: bench/stats/run.sh [seconds-per-case] [rounds]   e.g. run.sh 3 5
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$here/target"
mkdir -p "$out/classes"
(cd "$root" && mvn -q -o -pl bundles/datapath dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
cp="$root/bundles/datapath/target/classes:$root/bundles/stats/target/classes:$(cat "$out/classpath.txt")"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$cp" $(find "$here/src" -name '*.java')
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" \
    dev.ringswitch.datapath.internal.StatsBench "$@"
