#!/usr/bin/env bash
# Builds the datapath bench against the installed datapath/testkit/api artifacts and runs it.
# Usage: bench/datapath/run.sh [seconds-per-case] [waitStrategy ...]   e.g. run.sh 5 lite-blocking blocking sleeping
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../lib/java-bench.sh" "$here" dev.ringswitch.datapath.internal.DatapathBench "bundles/datapath" "$@"
