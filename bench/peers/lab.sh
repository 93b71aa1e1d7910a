#!/usr/bin/env bash
# lab.sh - quick, repeatable measurements of one switch between two namespaces, for iterating on the datapath
# (the numbers to publish come from the shared harness, ../shared/bench/peers.sh; see bench/README.md).
#
#   bench/peers/lab.sh up [SWITCH_CMD]   start the switch (default: ringswitch-sut.sh) with TAPs rsl-t1/rsl-t2,
#                                        move them into namespaces rsl-h1 (10.198.0.1) / rsl-h2 (10.198.0.2)
#   bench/peers/lab.sh ping|tcp1|tcp4|tg|all [seconds]   one measurement against the running switch
#   bench/peers/lab.sh split [pings]     where each ping's time goes: tcpdump on both TAPs splits it into the switch's
#                                        request leg, the far host, and the switch's reply leg (needs tcpdump)
#   bench/peers/lab.sh down              stop the switch (SIGTERM to its session) and delete the namespaces
#
# Each measurement prints one line with the figure and the switch's CPU (utime+stime of its whole session).
# The switch keeps running between measurements, so the JIT is warm after the first one.
set -u
P=${LAB_PREFIX:-rsl}
H1=$P-h1 H2=$P-h2 T1=$P-t1 T2=$P-t2 IP1=10.198.0.1 IP2=10.198.0.2
STATE=/tmp/$P-lab
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$STATE"

sess_ticks() { # utime+stime of every process in session $1
    local f rest t=0
    for f in /proc/[0-9]*/stat; do
        { read -r rest < "$f"; } 2>/dev/null || continue
        rest=${rest##*) }
        set -- $rest
        [ "$4" = "$SID" ] && t=$((t + ${12} + ${13}))
    done
    echo $t
}

cpu_begin() { SID=$(cat "$STATE/sid"); C0=$(sess_ticks); W0=$(date +%s.%N); }
cpu_end() { # prints "cpu_s pct"
    local c1 w1; c1=$(sess_ticks); w1=$(date +%s.%N)
    echo "scale=2; cs = ($c1 - $C0) / $(getconf CLK_TCK); cs; 100 * cs / ($w1 - $W0)" | bc -l | tr '\n' ' '
}

up() {
    local cmd=${1:-"exec '$here/ringswitch-sut.sh' \"\$1\" \"\$2\""}
    down >/dev/null 2>&1
    mkdir -p "$STATE"
    VSB_RUNDIR=$STATE setsid bash -c "$cmd" sut "$T1" "$T2" > "$STATE/switch.log" 2>&1 < /dev/null &
    echo $! > "$STATE/sid"
    local i
    for i in $(seq 200); do grep -q '^READY' "$STATE/switch.log" && break; sleep 1; done
    grep -q '^READY' "$STATE/switch.log" || { tail -5 "$STATE/switch.log"; echo "switch not ready"; return 1; }
    for ns in $H1 $H2; do
        ip netns add $ns; ip -n $ns link set lo up
        ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
    ip link set $T1 netns $H1 && ip link set $T2 netns $H2
    ip -n $H1 addr add $IP1/24 dev $T1 && ip -n $H1 link set $T1 up
    ip -n $H2 addr add $IP2/24 dev $T2 && ip -n $H2 link set $T2 up
    for i in $(seq 100); do ip netns exec $H1 ping -c1 -W1 $IP2 >/dev/null 2>&1 && break; sleep 0.2; done
    ip netns exec $H2 iperf3 -s -B $IP2 -D -I "$STATE/iperf3.pid" --logfile "$STATE/iperf3-server.log"
    echo "up: $(grep -m1 '^READY' "$STATE/switch.log")"
}

down() {
    local sid pids
    sid=$(cat "$STATE/sid" 2>/dev/null)
    [ -s "$STATE/iperf3.pid" ] && kill "$(cat "$STATE/iperf3.pid")" 2>/dev/null
    if [ -n "$sid" ]; then
        pids=$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}')
        [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
        for i in $(seq 100); do
            [ -z "$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}')" ] && break; sleep 0.1
        done
        pids=$(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}')
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    fi
    ip netns del $H1 2>/dev/null; ip netns del $H2 2>/dev/null
    rm -rf "$STATE"
}

m_ping() {
    local n=${1:-300}
    cpu_begin
    ip netns exec $H1 ping -n -c "$n" -i 0.01 -W 1 $IP2 > "$STATE/ping.txt" 2>&1
    local cpu; cpu=$(cpu_end)
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$STATE/ping.txt" | sort -g | awk -v cpu="$cpu" '
        { v[NR] = $1 * 1000 }
        END { n = NR; if (!n) { print "ping: no replies"; exit }
              printf "ping: n=%d p50=%.0f p99=%.0f max=%.0f us  cpu_s,pct=%s\n", n, v[int(0.5*n+0.999)],
                  v[int(0.99*n+0.999)], v[n], cpu }'
}

m_split() { # pings
    local n=${1:-1000} a b
    ip netns exec $H1 tcpdump -i $T1 -nn -w "$STATE/t1.pcap" --time-stamp-precision=nano icmp 2>/dev/null & a=$!
    ip netns exec $H2 tcpdump -i $T2 -nn -w "$STATE/t2.pcap" --time-stamp-precision=nano icmp 2>/dev/null & b=$!
    sleep 1
    ip netns exec $H1 ping -n -q -c "$n" -i 0.01 -W 1 $IP2 > "$STATE/ping.txt" 2>&1
    sleep 0.3
    kill -INT $a $b; wait $a $b 2>/dev/null
    # Timestamps where the kernel hands each frame to a TAP (t1: request into the switch at h1, t3: reply into it at
    # h2) and takes it from one (t2, t4), so the switch's legs exclude both hosts' stacks and ping itself.
    python3 - "$STATE/t1.pcap" "$STATE/t2.pcap" <<'PY'
import subprocess, sys
def stamps(pcap):
    out = subprocess.run(['tcpdump', '-r', pcap, '-nn', '-tt', '--time-stamp-precision=nano'],
                         capture_output=True, text=True).stdout
    d = {}
    for line in out.splitlines():
        if 'ICMP echo' in line:
            d[('req' if 'request' in line else 'rep', int(line.split('seq ')[1].split(',')[0]))] = float(line.split()[0])
    return d
h1, h2 = stamps(sys.argv[1]), stamps(sys.argv[2])
rows = []
for (kind, seq), t1 in h1.items():
    if kind == 'req' and ('req', seq) in h2 and ('rep', seq) in h2 and ('rep', seq) in h1:
        t2, t3, t4 = h2[('req', seq)], h2[('rep', seq)], h1[('rep', seq)]
        rows.append((seq, (t2 - t1) * 1e6, (t3 - t2) * 1e6, (t4 - t3) * 1e6, (t4 - t1) * 1e6))
if not rows:
    sys.exit('split: no complete request/reply pairs captured')
for i, name in ((1, 'switch, request leg'), (2, 'far host'), (3, 'switch, reply leg'), (4, 'round trip')):
    v = sorted(r[i] for r in rows)
    n = len(v)
    print(f'{name:20} p50={v[n // 2]:.0f} p90={v[int(n * .9)]:.0f} p99={v[int(n * .99)]:.0f} max={v[-1]:.0f} us')
print(f'slowest of {len(rows)} (seq: request leg / far host / reply leg us):')
for r in sorted(rows, key=lambda r: -r[4])[:8]:
    print(f'  {r[0]}: {r[1]:.0f} / {r[2]:.0f} / {r[3]:.0f}')
PY
}

m_tcp() { # streams seconds
    cpu_begin
    ip netns exec $H1 iperf3 -c $IP2 -t "${2:-5}" -P "$1" -J > "$STATE/tcp.json" 2>&1
    local cpu gbps; cpu=$(cpu_end)
    gbps=$(jq -r '.end.sum_received.bits_per_second / 1e9' "$STATE/tcp.json" 2>/dev/null)
    set -- $1 $cpu
    printf "tcp%s: %.2f Gbit/s retrans=%s cpu_s=%s pct=%s s/GB=%s\n" "$1" "$gbps" \
        "$(jq -r '.end.sum_sent.retransmits' "$STATE/tcp.json")" "$2" "$3" \
        "$(echo "scale=2; $2 / ($gbps * ${DUR:-5} / 8)" | bc -l 2>/dev/null)"
}

m_tg() {
    local d=${1:-3} m1 m2 rx0 rx1 cfg=$STATE/tg.cfg
    m1=$(ip -n $H1 -j link show dev $T1 | jq -r '.[0].address')
    m2=$(ip -n $H2 -j link show dev $T2 | jq -r '.[0].address')
    echo "{ eth(da=$m2, sa=$m1, type=0x0800), ipv4(saddr=$IP1, daddr=$IP2, ttl=64), udp(sp=9, dp=9), fill(0x00, 18) }" > "$cfg"
    rx0=$(ip -n $H2 -j -s link show dev $T2 | jq -r '.[0].stats64.rx.packets')
    cpu_begin
    timeout -s INT "$d" ip netns exec $H1 trafgen -o $T1 -i "$cfg" --cpus 1 > "$STATE/tg.log" 2>&1
    local cpu; cpu=$(cpu_end)
    sleep 0.3
    rx1=$(ip -n $H2 -j -s link show dev $T2 | jq -r '.[0].stats64.rx.packets')
    set -- $cpu
    echo "tg60: $(( (rx1 - rx0) / d )) pps  cpu_s=$1 pct=$2"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    ping) m_ping "${2:-300}" ;;
    tcp1) DUR=${2:-5} m_tcp 1 "${2:-5}" ;;
    tcp4) DUR=${2:-5} m_tcp 4 "${2:-5}" ;;
    tg) m_tg "${2:-3}" ;;
    split) m_split "${2:-1000}" ;;
    all) m_ping 300; DUR=5 m_tcp 1 5; DUR=5 m_tcp 4 5; m_tg 3 ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
esac
