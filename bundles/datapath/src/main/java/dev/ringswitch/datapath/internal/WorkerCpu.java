package dev.ringswitch.datapath.internal;

import java.util.BitSet;
import java.util.Locale;

/**
 * Where the worker thread runs ({@code workerCpu} in {@value RingSettings#PID}): {@code auto}, {@code none} or a CPU
 * number.
 *
 * <p>Binding is a trade-off. Left to the scheduler, the worker runs where the host that woke it runs, so that a
 * request and its answer cross the switch without a wake-up of another CPU (on a virtual machine an
 * inter-processor interrupt costs tens of microseconds each way). Bound, it keeps its caches instead of following
 * whichever host woke it, which pays for bulk traffic. Measured on a 2-CPU virtual machine (shared harness,
 * bench/README.md): TCP 1 stream 13.2 Gbit/s bound against 11.9 unbound, with less CPU per GB; RTT p50 146 us bound
 * against 98.5 unbound. {@code auto} has both: the worker is bound while bulk traffic flows and released when it stops
 * (see {@link WorkerPlacement}). It takes the last CPU: CPU 0 is where interrupts and housekeeping land by default,
 * and where tools that pin themselves start (e.g. {@code trafgen --cpus 1}); a worker sharing a CPU with a pinned
 * traffic generator halves both. A CPU number binds the worker for good; {@code none} never binds it.
 *
 * @param cpu the CPU to bind to, or {@link #AUTO} or {@link #NONE}
 */
record WorkerCpu(int cpu) {

    /** The last CPU this process may run on, if it may run on two or more, while bulk traffic flows. */
    static final int AUTO = -1;
    /** Not bound: the scheduler places the worker. */
    static final int NONE = -2;

    /**
     * @param text {@code auto}, {@code none} or a CPU number
     * @return the setting
     * @throws IllegalArgumentException naming the accepted values
     */
    static WorkerCpu parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return new WorkerCpu(AUTO);
        }
        if (t.equals("none")) {
            return new WorkerCpu(NONE);
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 0) {
                return new WorkerCpu(n);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("invalid workerCpu '" + text + "' in " + RingSettings.PID
                + ": expected auto, none or a CPU number (0, 1, ...)");
    }

    /**
     * @param allowed the CPUs the process may run on; empty if unknown
     * @return the CPU to bind the worker to, or -1 to leave it unbound
     */
    int choose(BitSet allowed) {
        if (cpu == NONE) {
            return -1;
        }
        if (cpu == AUTO) {
            return allowed.cardinality() >= 2 ? allowed.length() - 1 : -1;
        }
        return allowed.isEmpty() || allowed.get(cpu) ? cpu : -1;
    }

    /** @return the cfg spelling */
    String label() {
        return cpu == AUTO ? "auto" : cpu == NONE ? "none" : Integer.toString(cpu);
    }
}
