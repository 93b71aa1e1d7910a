#!/usr/bin/env bash
# ringswitch-sut.sh - RingSwitch in the plug-in slot of the shared peer harness (../shared/bench/peers.sh).
#
#   SUT_NAME=ringswitch SUT_CMD='exec /work/main/bench/peers/ringswitch-sut.sh "$1" "$2"' \
#       ../shared/bench/peers.sh tapfwd sut
#
# Contract (see the harness README): create the two TAPs named $1 and $2, print READY once both forward, stay in the
# foreground, stop on SIGTERM. This script:
#   1. copies the built distribution (karaf-assembly/target/assembly, or $RINGSWITCH_HOME) into a fresh directory
#      under $VSB_RUNDIR, on free SSH/RMI/metrics ports, so it never touches the build tree or another instance;
#   2. starts it with `bin/karaf server` (in this script's session: the harness counts every thread of the JVM as
#      the switch's CPU), waits until the ringswitch shell answers over SSH;
#   3. adds the two ports with `ringswitch:port-add`, checks that the interfaces exist, prints READY;
#   4. on SIGTERM/SIGINT stops the Karaf JVM it started (TERM, KILL after STOP_TIMEOUT seconds), prints the
#      warnings of its log, and deletes its copy.
#
# Knobs (environment):
#   RINGSWITCH_HOME  the unpacked distribution to copy (default: <repo>/karaf-assembly/target/assembly)
#   RS_MODULES       "all" (default: the shipped boot features, l2-learning + vlan + stats + metrics) or "none"
#                    (no forwarding module: the datapath is a hub, which for two ports forwards the same frames)
#   RS_DATAPATH      "key=value ..." appended to etc/ringswitch.datapath.cfg (e.g. "waitStrategy=blocking")
#   RS_OVERLAY       "tap datapath ...": bundles whose freshly built jar (bundles/NAME/target) replaces the one in the
#                    copy, to measure a change without rebuilding the whole distribution
#   RS_BUNDLES       where RS_OVERLAY finds the bundles (default: <repo>/bundles; e.g. a git worktree's)
#   RS_JFR=FILE      record JFR (profile settings) after the warm-up into FILE; at stop print the allocation samples
#                    taken on datapath threads (if the harness leaves time; else: jfr print --events
#                    jdk.ObjectAllocationSample FILE)
#   RS_WARMUP=0      skip the warm-up: by default the script sends RS_WARMUP_FRAMES (200000) frames each way
#                    through the switch before READY, so that the first measurement (ping) meets compiled code
#   RS_JAVA_OPTS     extra JVM options for the Karaf JVM
#   STOP_TIMEOUT     seconds to wait for Karaf to stop before SIGKILL (default 8; the harness kills at 10)
#   BOOT_TIMEOUT     seconds a boot may take before it is retried once from an empty cache (default 75); give the
#                    harness SUT_START_TIMEOUT=240 so that a retried boot still fits
#
# Needs: sshpass (apt-get install sshpass) to talk to the Karaf shell over SSH; without it, bin/client is used, which
# on JDK 25 runs commands but prints nothing, so success is then checked through `ip link` only.
set -u
tap1=${1:?usage: ringswitch-sut.sh TAP1 TAP2}
tap2=${2:?usage: ringswitch-sut.sh TAP1 TAP2}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dist=${RINGSWITCH_HOME:-$root/karaf-assembly/target/assembly}
STOP_TIMEOUT=${STOP_TIMEOUT:-8}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-75}

log() { echo "[ringswitch-sut $(date +%T)] $*"; }
die() { log "ERROR: $*"; stop; exit 1; }

[ -x "$dist/bin/karaf" ] || { log "ERROR: no distribution at $dist (build it: mvn -o install -DskipTests)"; exit 1; }
base=${VSB_RUNDIR:-/tmp}
mkdir -p "$base"
work=$(mktemp -d "$base/ringswitch.XXXXXX")
kpid=""

# Five distinct free ports (SSH, RMI registry, RMI server, metrics, Karaf's shutdown socket, which otherwise takes
# whatever port the kernel offers at boot, possibly one of the others): probed while all are bound, because the
# kernel may offer a port again as soon as its probe closes.
free_ports() {
    python3 -c 'import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))'
}

java_pid() { # the Karaf JVM: bin/karaf runs java as its child (or execs it)
    local p
    for p in $kpid $(pgrep -P "$kpid" 2>/dev/null); do
        case "$(readlink "/proc/$p/exe" 2>/dev/null)" in */java) echo "$p"; return ;; esac
    done
}

alive() { kill -0 "$kpid" 2>/dev/null || { [ -n "${jp:-}" ] && kill -0 "$jp" 2>/dev/null; }; }

read -r ssh_port rmi_registry_port rmi_server_port metrics_port shutdown_port < <(free_ports)
rs_cmd() { # one Karaf shell command; prints its output
    if command -v sshpass >/dev/null; then
        timeout 20 sshpass -p ringswitch ssh -q -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
            -o LogLevel=ERROR -o ConnectTimeout=5 -p "$ssh_port" admin@127.0.0.1 "$1" 2>&1
    else
        timeout 30 "$work/bin/client" -a "$ssh_port" -u admin -p ringswitch "$1" 2>&1
    fi
}

stop() {
    trap - TERM INT
    if [ -n "$kpid" ] && kill -0 "$kpid" 2>/dev/null; then
        local i
        [ -n "${jp:-}" ] || jp=$(java_pid)
        kill -TERM ${jp:-} "$kpid" 2>/dev/null
        for i in $(seq $((STOP_TIMEOUT * 10))); do
            alive || break
            sleep 0.1
        done
        if alive; then
            log "Karaf did not stop in ${STOP_TIMEOUT}s: SIGKILL"
            kill -KILL ${jp:-} "$kpid" 2>/dev/null
        fi
        wait "$kpid" 2>/dev/null
    fi
    [ -n "${RS_JFR:-}" ] && [ -s "$RS_JFR" ] && summarise_jfr
    if [ -f "$work/data/log/karaf.log" ]; then
        log "karaf.log warnings/errors:"
        grep -E '\| (WARN|ERROR) ' "$work/data/log/karaf.log" | tail -20 | sed 's/^/    /'
    fi
    rm -rf "$work"
}

summarise_jfr() {
    local bin=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin
    "$bin/jfr" print --events jdk.ObjectAllocationSample "$RS_JFR" > "$work/alloc.txt" 2>/dev/null
    log "JFR allocation samples: $(grep -c 'jdk.ObjectAllocationSample' "$work/alloc.txt") in all threads, \
$(grep -c 'eventThread = "ringswitch-' "$work/alloc.txt") on datapath threads (ringswitch-*)"
    grep -A6 'eventThread = "ringswitch-' "$work/alloc.txt" | grep -E 'objectClass|eventThread|line:' | head -30 \
        | sed 's/^/    /'
}

trap 'stop; exit 0' TERM INT

log "copying $dist to $work"
cp -a "$dist/." "$work/" || die "copy failed"
rm -rf "$work/data/cache" "$work/data/log" "$work"/etc/ringswitch.port-*.cfg
for b in ${RS_OVERLAY:-}; do
    jar=$(ls "${RS_BUNDLES:-$root/bundles}/$b/target/"ringswitch-*-0.1.0-SNAPSHOT.jar 2>/dev/null \
        | grep -v -- '-sources\|-tests' | head -1)
    [ -n "$jar" ] || die "RS_OVERLAY: no jar in bundles/$b/target"
    dst=$(find "$work/system/dev/ringswitch" -name "$(basename "$jar")")
    [ -n "$dst" ] || die "RS_OVERLAY: $(basename "$jar") is not in the distribution"
    cp "$jar" "$dst" && log "overlay: $(basename "$jar") from bundles/$b/target"
done
sed -i "s/^sshPort *=.*/sshPort = $ssh_port/" "$work/etc/org.apache.karaf.shell.cfg"
sed -i -e "s/^rmiRegistryPort *=.*/rmiRegistryPort = $rmi_registry_port/" \
    -e "s/^rmiServerPort *=.*/rmiServerPort = $rmi_server_port/" "$work/etc/org.apache.karaf.management.cfg"
[ -f "$work/etc/ringswitch.metrics.cfg" ] && sed -i "s/^port *=.*/port = $metrics_port/" "$work/etc/ringswitch.metrics.cfg"
printf '\nkaraf.shutdown.port = %s\n' "$shutdown_port" >> "$work/etc/custom.properties"
case "${RS_MODULES:-all}" in
    all) ;;
    none) sed -i -E '/ringswitch-(l2|vlan|stats)\//d' "$work/etc/org.apache.karaf.features.cfg" ;;
    *) die "RS_MODULES must be all or none" ;;
esac
for kv in ${RS_DATAPATH:-}; do
    echo "${kv%%=*} = ${kv#*=}" >> "$work/etc/ringswitch.datapath.cfg"
done

export EXTRA_JAVA_OPTS="${RS_JAVA_OPTS:-}"
unset JAVA_OPTS
start_karaf() {
    log "starting Karaf (ssh port $ssh_port, modules ${RS_MODULES:-all}${RS_DATAPATH:+, datapath: $RS_DATAPATH})"
    (cd "$work" && exec bin/karaf server) > "$work/console.out" 2>&1 < /dev/null &
    kpid=$!
    jp=""
}

await_shell() { # seconds: 0 when the ringswitch shell answers
    local deadline=$(( $(date +%s) + $1 ))
    while :; do
        kill -0 "$kpid" 2>/dev/null || { tail -20 "$work/console.out"; return 1; }
        out=$(rs_cmd "ringswitch:port-list" 2>&1)
        if command -v sshpass >/dev/null; then
            # the port table's header (or "No ports") means the ringswitch shell is there
            case "$out" in *"Name | Port"*|*"No ports"*) return 0 ;; esac
        else
            grep -q 'ringswitch-core.*Active\|Done\.' "$work/data/log/karaf.log" 2>/dev/null && return 0
        fi
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
}

# Karaf 4.4's feature installer now and then stalls for good while it refreshes bundles during the first boot (the
# itests see the same): give a boot BOOT_TIMEOUT seconds, then start once more from an empty cache.
start_karaf
if ! await_shell "$BOOT_TIMEOUT"; then
    log "Karaf did not answer in ${BOOT_TIMEOUT}s; last lines of its log:"
    tail -5 "$work/data/log/karaf.log" 2>/dev/null | cut -c1-200 | sed 's/^/    /'
    log "starting again from an empty cache"
    jp=$(java_pid)
    kill -KILL ${jp:-} "$kpid" 2>/dev/null
    wait "$kpid" 2>/dev/null
    rm -rf "$work/data/cache" "$work/data/tmp"/* "$work/data/log"
    start_karaf
    await_shell "$BOOT_TIMEOUT" || die "Karaf did not boot in ${BOOT_TIMEOUT}s twice; last answer: $out"
fi
# Modules bind asynchronously after the shell appears: wait until the pipeline has them all.
deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
if [ "${RS_MODULES:-all}" = all ] && command -v sshpass >/dev/null; then
    while :; do
        mods=$(rs_cmd "ringswitch:module-list")
        n=$(echo "$mods" | grep -cE 'l2-learning|vlan|stats')
        [ "$n" -ge 3 ] && break
        [ "$(date +%s)" -lt "$deadline" ] || die "modules did not appear: $mods"
        sleep 1
    done
    log "modules: $(echo "$mods" | tr -s ' \n' ' ')"
fi
jp=$(java_pid)
log "booted (JVM pid $jp)"
for t in "$tap1" "$tap2"; do
    for attempt in 1 2 3 4 5; do
        out=$(rs_cmd "ringswitch:port-add $t")
        ip link show "$t" >/dev/null 2>&1 && break
        sleep 1
    done
    ip link show "$t" >/dev/null 2>&1 || die "port-add $t failed: $out"
done
if [ "${RS_WARMUP:-1}" = 1 ]; then
    # A switch runs for days; the harness pings it right after boot, while the datapath still runs in the
    # interpreter. Send frames through it first (kernel -> TAP -> switch -> other TAP -> kernel, which drops them:
    # an unused EtherType to the other TAP's MAC), as bursts and one by one, then TCP-like GSO frames.
    log "warming up the datapath (${RS_WARMUP_FRAMES:-200000} frames each way)"
    python3 - "$tap1" "$tap2" "${RS_WARMUP_FRAMES:-200000}" <<'PY' || log "warm-up failed (measuring cold)"
import socket, sys, time
a, b, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def mac(i): return bytes.fromhex(open(f"/sys/class/net/{i}/address").read().strip().replace(":", ""))
socks = []
for src, dst in ((a, b), (b, a)):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((src, 0))
    socks.append((s, mac(dst) + mac(src) + b"\x88\xb5" + bytes(46), mac(dst) + mac(src) + b"\x88\xb5" + bytes(1486)))
for i in range(n + 3000):
    for s, small, big in socks:
        try:
            s.send(big if i % 4 == 0 else small)
        except OSError:
            time.sleep(0.0005)
    if i >= n:
        time.sleep(0.0001)
# TCP as the hosts' stacks send it with offloads: 30 KB GSO frames with a partial checksum, written with a
# virtio-net header (PACKET_VNET_HDR) so that the kernel hands them to the switch as GSO frames. The IP addresses
# are nobody's; the receiving kernel drops them.
import struct
def csum(b):
    if len(b) % 2: b += bytes(1)
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xFFFF) + (t >> 16)
    return ~t & 0xFFFF
try:
    for src, dst in ((a, b), (b, a)):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR
        s.bind((src, 0))
        data = bytes(30000)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(data), 0, 0x4000, 64, 6, 0,
                         bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        pseudo = sum(struct.unpack("!4H", ip[12:20])) + 6 + 20 + len(data)
        while pseudo >> 16: pseudo = (pseudo & 0xFFFF) + (pseudo >> 16)
        tcp = struct.pack("!HHIIBBHHH", 40000, 5001, 1, 1, 5 << 4, 0x18, 65535, pseudo, 0)
        vnet = struct.pack("=BBHHHH", 1, 1, 54, 1448, 34, 16)
        frame = vnet + mac(dst) + mac(src) + b"\x08\x00" + ip + tcp + data
        for i in range(20000):
            try:
                s.send(frame)
            except OSError:
                time.sleep(0.0005)
except OSError as e:
    print("GSO warm-up skipped:", e)
PY
fi
if [ -n "${RS_JFR:-}" ]; then
    # Recorded from here on, i.e. in steady state; written when the JVM exits (the harness stops every process of
    # the session at once, so there is no time to ask for a dump), summarised by stop() if the harness leaves time.
    "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" "$jp" JFR.start name=rs settings=profile \
        dumponexit=true filename="$RS_JFR" > /dev/null && log "JFR recording to $RS_JFR"
fi
echo "READY ringswitch $tap1 $tap2 (karaf pid $kpid, ssh $ssh_port)"
while kill -0 "$kpid" 2>/dev/null; do
    wait "$kpid"
done
log "Karaf exited by itself"
stop
exit 1
