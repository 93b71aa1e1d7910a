#!/usr/bin/env bash
# Compiles one in-memory bench (its src/ and bench/lib/src) against the installed bundles' classes and their test
# classpath, then runs its main class. Called by a bench's run.sh; build the project first (mvn install).
# Usage: java-bench.sh BENCH_DIR MAIN_CLASS "BUNDLE_DIR ..." [bench arguments...]
# The first bundle's test classpath serves all (the datapath's holds the api, the testkit and the Disruptor); every
# bundle's own classes are added.
set -euo pipefail
bench_dir=$1 main=$2 bundles=$3
shift 3
root="$(cd "$(dirname "$0")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$bench_dir/target"
mkdir -p "$out/classes"
first=${bundles%% *}
(cd "$root" && mvn -q -o -pl "$first" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$out/classpath.txt" >/dev/null)
cp=""
for b in $bundles; do cp="$cp$root/$b/target/classes:"; done
cp="$cp$(cat "$out/classpath.txt")"
"$JAVA_HOME/bin/javac" -d "$out/classes" -cp "$cp" $(find "$bench_dir/src" "$root/bench/lib/src" -name '*.java')
exec "$JAVA_HOME/bin/java" -Xms512m -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "$out/classes:$cp" "$main" "$@"
