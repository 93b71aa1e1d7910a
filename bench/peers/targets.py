#!/usr/bin/env python3
"""targets.py RUN_FILE... - issue 9's targets as ratios, from the shared harness's run files.

Every figure is the median over all rounds of all the files given (as summarize.py pools them), and each target is a
ratio of RingSwitch's figure ("ringswitch") to a peer's measured in the same runs. The module comparison needs
"ringswitch-bare" (RS_MODULES=none) in the runs too; peers-with-bare.sh measures both in the same rounds.
"""
import collections
import re
import statistics
import sys

METRICS = {
    "TCP1": "tcp1_gbps",
    "TCP4": "tcp4_gbps",
    "60B": "tg60_rx_pps",
    "p50": "rtt_p50_us",
    "p99": "rtt_p99_us",
    "CPU s/GB": "tcp1_switch_cpu_s_per_GB",
}
MINIMAL_C = ("tapfwd", "tapfwd-mt", "tapfwd-vnet", "tapfwd-vnet-mt")
LINE = re.compile(r"RESULT run=\S+ round=\d+ switch=(\S+) metric=(\S+) value=(\S+)")


def load(paths):
    values = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in paths:
        with open(path) as f:
            for line in f:
                m = LINE.match(line)
                if m and m.group(2) in METRICS.values() and m.group(3) != "NA":
                    values[m.group(1)][m.group(2)].append(float(m.group(3)))
    return values


def main(paths):
    values = load(paths)

    def median(switch, name):
        v = values.get(switch, {}).get(METRICS[name])
        return statistics.median(v) if v else float("nan")

    def best_c(name):
        return max(median(s, name) for s in MINIMAL_C if s in values)

    rs = lambda name: median("ringswitch", name)
    print("pooled medians (rounds):")
    for switch in sorted(values):
        print(f"  {switch:16s} " + "  ".join(
            f"{name} {median(switch, name):.4g} ({len(values[switch].get(METRICS[name], []))})" for name in METRICS))
    rows = [
        ("60 B frames/s >= 1.3x vde", rs("60B") / median("vde", "60B"), 1.3, True),
        ("60 B frames/s >= 1.3x OVS", rs("60B") / median("ovs", "60B"), 1.3, True),
        ("60 B frames/s >= 1.0x best minimal C", rs("60B") / best_c("60B"), 1.0, True),
        ("TCP1 >= 1.0x OVS + TSO", rs("TCP1") / median("ovs-tso", "TCP1"), 1.0, True),
        ("TCP1 >= 0.9x minimal C + vnet_hdr", rs("TCP1") / median("tapfwd-vnet", "TCP1"), 0.9, True),
        ("TCP4 >= 0.9x best minimal C", rs("TCP4") / best_c("TCP4"), 0.9, True),
        ("RTT p50 <= 1.2x minimal C", rs("p50") / median("tapfwd", "p50"), 1.2, False),
        ("RTT p99 <= 2x minimal C", rs("p99") / median("tapfwd", "p99"), 2.0, False),
        ("CPU s/GB <= 1.5x minimal C + vnet_hdr", rs("CPU s/GB") / median("tapfwd-vnet", "CPU s/GB"), 1.5, False),
    ]
    print("targets:")
    for label, ratio, bound, at_least in rows:
        met = ratio == ratio and (ratio >= bound if at_least else ratio <= bound)
        print(f"  {label:40s} {ratio:6.2f}  {'met' if met else 'NOT MET'}")
    if "ringswitch-bare" in values:
        print("with modules against without (within 10 %: worse by no more than 10 %):")
        for name in METRICS:
            change = rs(name) / median("ringswitch-bare", name) - 1
            worse = -change if name in ("TCP1", "TCP4", "60B") else change
            print(f"  {name:9s} {100 * change:+6.1f} %  {'met' if worse <= 0.10 else 'NOT MET'}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
