#!/usr/bin/env bash
# A real IEEE 802.1Q peer for RingSwitch's VLAN tests: Open vSwitch with the userspace (netdev) datapath.
#
# Why OVS: this kernel has no 8021q module (`ip link add ... type vlan` fails), so Linux cannot terminate tagged
# traffic itself; OVS's userspace datapath tags and untags in ovs-vswitchd and only needs AF_PACKET on plain
# interfaces (veth, TAP). Each instance runs from its own directory (database, sockets, pid and log files), so it
# never touches a system OVS and parallel runs do not collide.
#
# Needs root and: apt-get install openvswitch-switch tcpdump iputils-ping
#
# Subcommands (names are the caller's; keep them unique, at most 15 characters):
#   start  DIR BRIDGE                       start ovsdb-server + ovs-vswitchd in DIR, add a netdev bridge
#   trunk  DIR BRIDGE IFACE VLANS           add an existing interface (e.g. a TAP) as a trunk port, VLANS like 10,20
#   access DIR BRIDGE NAME VLAN NS CIDR     veth NAME (on the bridge, tag=VLAN) <-> NAME"n" in netns NS with CIDR
#   stop   DIR                              stop both daemons (by pid file) and delete the veths this DIR created
#   selftest                                prove the whole setup works on this machine (see below); exit 0 = works
set -euo pipefail

die() { echo "ovs-peer: $*" >&2; exit 1; }

vsctl() { # DIR ARGS...: ovs-vsctl against DIR's database; waits until ovs-vswitchd applied the change
    local dir=$1; shift
    ovs-vsctl --db="unix:$dir/db.sock" --timeout=30 "$@"
}

cmd_start() {
    local dir=$1 bridge=$2
    mkdir -p "$dir"
    export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir
    ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" \
        --unixctl="$dir/ovsdb-server.ctl" --log-file="$dir/ovsdb-server.log" --detach --no-chdir
    vsctl "$dir" --no-wait init
    # -vconsole:off: --detach keeps stderr; the log file has everything.
    ovs-vswitchd "unix:$dir/db.sock" --pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" \
        --log-file="$dir/ovs-vswitchd.log" -vconsole:off --detach --no-chdir
    vsctl "$dir" add-br "$bridge" -- set bridge "$bridge" datapath_type=netdev
    # Learning-switch behaviour (the default NORMAL flow) is what we want: no flows to add.
    ip link set "$bridge" up
}

check_port() { # DIR IFACE: fail loudly if ovs-vswitchd could not open the interface
    local err
    err=$(vsctl "$1" get interface "$2" error 2>/dev/null || true)
    [[ -z $err || $err == '[]' ]] || die "interface $2: $err (see $1/ovs-vswitchd.log)"
}

cmd_trunk() {
    local dir=$1 bridge=$2 iface=$3 vlans=$4
    # The kernel's own IPv6 chatter on the trunk interface would only be noise in captures.
    sysctl -qw "net.ipv6.conf.$iface.disable_ipv6=1" || true
    vsctl "$dir" add-port "$bridge" "$iface" -- set port "$iface" vlan_mode=trunk "trunks=[$vlans]"
    check_port "$dir" "$iface"
}

cmd_access() {
    local dir=$1 bridge=$2 name=$3 vlan=$4 ns=$5 cidr=$6
    ip netns list | grep -qw "^$ns" || ip netns add "$ns"
    ip link add "$name" type veth peer name "${name}n"
    echo "$name" >>"$dir/veths"
    ip link set "${name}n" netns "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$cidr" dev "${name}n"
    ip -n "$ns" link set "${name}n" up
    ip link set "$name" up
    vsctl "$dir" add-port "$bridge" "$name" -- set port "$name" tag="$vlan"
    check_port "$dir" "$name"
}

cmd_stop() {
    local dir=$1 f pid
    # "exit --cleanup" makes ovs-vswitchd delete its bridges' TAP devices, which it creates persistent: a plain
    # kill would leave them behind. Fall back to SIGTERM if the control socket does not answer.
    for f in ovs-vswitchd ovsdb-server; do
        [[ -s $dir/$f.pid ]] || continue
        pid=$(<"$dir/$f.pid")
        if [[ $f == ovs-vswitchd ]]; then
            ovs-appctl -t "$dir/$f.ctl" --timeout=10 exit --cleanup 2>/dev/null || kill "$pid" 2>/dev/null || true
        else
            ovs-appctl -t "$dir/$f.ctl" --timeout=10 exit 2>/dev/null || kill "$pid" 2>/dev/null || true
        fi
        # Wait so that interface names are free when we return.
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    if [[ -s $dir/veths ]]; then
        while read -r v; do ip link del "$v" 2>/dev/null || true; done <"$dir/veths"
    fi
}

# selftest: two OVS bridges joined by a veth "trunk" carrying VLANs 10 and 20, each bridge with an access port in each
# VLAN into its own namespace. Bridge rsvsw stands in for RingSwitch; in the Java end-to-end test RingSwitch takes its
# place and the trunk is RingSwitch's TAP. Checks: same-VLAN pings work across the trunk, cross-VLAN pings (same
# subnet) fail, and tcpdump -e on the trunk sees each VLAN's ICMP with the right 802.1Q tag.
cmd_selftest() {
    # Globals, not locals: the EXIT trap runs after this function has returned.
    st_tcpdump_pid=""
    st_dir=$(mktemp -d /tmp/rsv-ovs.XXXXXX)
    local dir=$st_dir pcap=$st_dir/trunk.pcap tcpdump_pid
    cleanup() {
        local dir=$st_dir tcpdump_pid=$st_tcpdump_pid
        [[ -n $tcpdump_pid ]] && kill "$tcpdump_pid" 2>/dev/null
        cmd_stop "$dir"
        ip link del rsvtkp 2>/dev/null || true
        for ns in rsvnp10 rsvnp20 rsvns10 rsvns20; do ip netns del "$ns" 2>/dev/null || true; done
        rm -rf "$dir"
    }
    trap cleanup EXIT

    cmd_start "$dir" rsvpeer
    vsctl "$dir" add-br rsvsw -- set bridge rsvsw datapath_type=netdev
    ip link add rsvtkp type veth peer name rsvtks
    ip link set rsvtkp up
    ip link set rsvtks up
    cmd_trunk "$dir" rsvpeer rsvtkp 10,20
    cmd_trunk "$dir" rsvsw rsvtks 10,20
    cmd_access "$dir" rsvpeer rsvp10 10 rsvnp10 10.77.0.11/24
    cmd_access "$dir" rsvpeer rsvp20 20 rsvnp20 10.77.0.21/24
    cmd_access "$dir" rsvsw rsvs10 10 rsvns10 10.77.0.12/24
    cmd_access "$dir" rsvsw rsvs20 20 rsvns20 10.77.0.22/24

    tcpdump -i rsvtkp -e -n -U -w "$pcap" 2>"$dir/tcpdump.err" &
    tcpdump_pid=$!
    st_tcpdump_pid=$tcpdump_pid
    for _ in $(seq 100); do grep -q 'listening on' "$dir/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
    grep -q 'listening on' "$dir/tcpdump.err" || die "tcpdump did not start: $(cat "$dir/tcpdump.err")"

    ip netns exec rsvns10 ping -c 3 -i 0.2 -W 2 10.77.0.11 >/dev/null || die "VLAN 10 ping across the trunk failed"
    ip netns exec rsvns20 ping -c 3 -i 0.2 -W 2 10.77.0.21 >/dev/null || die "VLAN 20 ping across the trunk failed"
    if ip netns exec rsvns10 ping -c 2 -i 0.2 -W 1 10.77.0.21 >/dev/null 2>&1; then
        die "VLAN 10 host reached a VLAN 20 host: VLANs leak"
    fi
    kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; st_tcpdump_pid=""

    local text
    text=$(tcpdump -e -n -r "$pcap" 2>/dev/null)
    # Here-strings, not pipes: grep -q exits early and, with pipefail, the writer's SIGPIPE would fail the check.
    grep -Eq 'vlan 10, p [0-7], ethertype IPv4.*10\.77\.0\.12 > 10\.77\.0\.11: ICMP echo request' <<<"$text" \
        || die "no VLAN 10 tagged echo request on the trunk:"$'\n'"$text"
    grep -Eq 'vlan 20, p [0-7], ethertype IPv4.*10\.77\.0\.22 > 10\.77\.0\.21: ICMP echo request' <<<"$text" \
        || die "no VLAN 20 tagged echo request on the trunk:"$'\n'"$text"
    # A VLAN 10 host may ask for a VLAN 20 address (the failed ping's ARP); a VLAN 20 host must never speak in it.
    if grep -Eq 'vlan 10,.*(10\.77\.0\.2[12] >|tell 10\.77\.0\.2|Reply 10\.77\.0\.2)' <<<"$text"; then
        die "a VLAN 20 host's frame carries a VLAN 10 tag:"$'\n'"$text"
    fi
    grep -E 'ICMP echo' <<<"$text" | sed -n '1,4p'
    echo "ovs-peer selftest: OK (ovs-vswitchd $(ovs-vswitchd --version | head -1 | awk '{print $NF}'), netdev datapath)"
}

[[ $(id -u) == 0 ]] || die "needs root (network namespaces, veth, TAP)"
command -v ovs-vswitchd >/dev/null \
    || die "Open vSwitch missing: apt-get install openvswitch-switch tcpdump iputils-ping"
sub=${1:-}; shift || true
case $sub in
    start) [[ $# == 2 ]] || die "usage: start DIR BRIDGE"; cmd_start "$@" ;;
    trunk) [[ $# == 4 ]] || die "usage: trunk DIR BRIDGE IFACE VLANS"; cmd_trunk "$@" ;;
    access) [[ $# == 6 ]] || die "usage: access DIR BRIDGE NAME VLAN NS CIDR"; cmd_access "$@" ;;
    stop) [[ $# == 1 ]] || die "usage: stop DIR"; cmd_stop "$@" ;;
    selftest) cmd_selftest ;;
    *) die "usage: ovs-peer.sh start|trunk|access|stop|selftest ..." ;;
esac
