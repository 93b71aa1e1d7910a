#!/usr/bin/env bash
# Builds the stats bench against the installed datapath/stats/testkit/api artifacts and runs it.
# Usage: bench/stats/run.sh [seconds-per-case] [rounds]   e.g. run.sh 3 5
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/../lib/java-bench.sh" "$here" dev.ringswitch.datapath.internal.StatsBench \
    "bundles/datapath bundles/stats" "$@"
