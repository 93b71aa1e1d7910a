#!/usr/bin/env bash
# peers-with-bare.sh [SWITCH ...] - the shared harness with RingSwitch in it twice, in the same rounds: "sut" (as
# shipped: the l2, vlan and stats modules) and "ringswitch-bare" (RS_MODULES=none), so that the two are compared
# minutes apart at most, under the same drift of the machine, instead of in separate invocations.
#
# How: peers.sh runs any switch NAME for which a function setup_NAME exists, and bash hands exported functions to
# the scripts it starts; the second plug-in is such a function around peers.sh's own setup_plugin, which is what its
# "sut" slot calls too. Nothing in ../shared/bench changes.
#
#   RINGSWITCH_HOME  the distribution (default: karaf-assembly/target/assembly of this checkout)
#   PEERS            the harness (default: ../shared/bench/peers.sh beside this checkout)
#   other variables (ROUNDS, DURATION, PING_COUNT, ...) as for peers.sh; SUT_NAME defaults to ringswitch
#
# Example: ROUNDS=3 DURATION=5 UDP_DURATION=3 TRAFGEN_DURATION=3 PING_COUNT=200 SUT_START_TIMEOUT=240 \
#            bench/peers/peers-with-bare.sh tapfwd tapfwd-vnet ovs-tso sut ringswitch-bare
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${RINGSWITCH_HOME:-$root/karaf-assembly/target/assembly}
peers=${PEERS:-$root/../shared/bench/peers.sh}
[ -x "$peers" ] || { echo "peers-with-bare.sh: no harness at $peers (set PEERS)" >&2; exit 1; }
[ -d "$home" ] || { echo "peers-with-bare.sh: no distribution at $home (mvn install, or set RINGSWITCH_HOME)" >&2; exit 1; }
export SUT_NAME=${SUT_NAME:-ringswitch}
export SUT_CMD="RINGSWITCH_HOME='$home' exec '$here/ringswitch-sut.sh' \"\$1\" \"\$2\""
export RS_BARE_CMD="RS_MODULES=none RINGSWITCH_HOME='$home' exec '$here/ringswitch-sut.sh' \"\$1\" \"\$2\""
setup_ringswitch-bare() { setup_plugin "$RS_BARE_CMD"; }
export -f setup_ringswitch-bare
cd "$(dirname "$peers")"
exec "$peers" "$@"
