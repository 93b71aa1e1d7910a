#!/bin/bash
# bench/tap-syscall: read+write syscall cost per frame on a TAP fd, C (libc) against Java (Panama FFM), in one run.
#
# Needs root (creates a network namespace and a TAP), gcc, iproute2 with tc (u32 classifier, mirred action), and
# JDK 25. Builds the tap bundle if its jar is missing. Usage: bench/tap-syscall/run.sh [FRAMES]   (default 500000)
set -euo pipefail

FRAMES=${1:-500000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
NS=rst-bench
DEV=rst-bench0
VERSION=0.1.0-SNAPSHOT
M2=${M2_REPO:-$HOME/.m2/repository}

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network namespace and TAP device)" >&2; exit 1; }

TAP_JAR=$ROOT/bundles/tap/target/ringswitch-tap-$VERSION.jar
API_JAR=$M2/dev/ringswitch/ringswitch-api/$VERSION/ringswitch-api-$VERSION.jar
SLF4J_JAR=$M2/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar
if [ ! -f "$TAP_JAR" ] || [ ! -f "$API_JAR" ] || [ ! -f "$SLF4J_JAR" ]; then
    (cd "$ROOT" && JAVA_HOME=$JAVA_HOME mvn -q -pl bundles/api,bundles/tap install -DskipTests)
fi

WORK=$(mktemp -d)
cleanup() {
    ip netns exec "$NS" ip link delete "$DEV" 2>/dev/null || true
    ip netns delete "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

gcc -O2 -Wall -Wextra -o "$WORK/tap_syscall" "$HERE/tap_syscall.c"

# A persistent TAP in its own namespace that loops every frame written into it back out of it: a tc ingress
# filter redirects each received frame to the device's own egress, so the next read on the same fd returns it.
# IPv6 is off so that no neighbour discovery frames mix in.
ip netns add "$NS"
ip netns exec "$NS" ip tuntap add dev "$DEV" mode tap
ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$DEV.disable_ipv6=1"
ip netns exec "$NS" ip link set "$DEV" up
ip netns exec "$NS" tc qdisc add dev "$DEV" clsact
ip netns exec "$NS" tc filter add dev "$DEV" ingress protocol all u32 match u32 0 0 \
    action mirred egress redirect dev "$DEV"

echo "tap-syscall: $FRAMES frames per size, batches of 32 writes then 32 reads, on $(uname -r), $(nproc) CPU(s)"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
ip netns exec "$NS" "$WORK/tap_syscall" "$DEV" "$FRAMES"
ip netns exec "$NS" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
    -cp "$API_JAR:$TAP_JAR:$SLF4J_JAR" "$HERE/TapSyscallBench.java" "$DEV" "$FRAMES" \
    2> >(grep -v '^SLF4J' >&2)
