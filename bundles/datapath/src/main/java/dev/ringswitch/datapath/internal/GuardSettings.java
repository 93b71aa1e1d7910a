package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortConfig;

/**
 * The datapath's protections against its surroundings, validated, with their keys and defaults as named constants:
 * broadcast/multicast storm control per port, and the watchdog that replaces a worker stuck in a module. Same PID
 * and file as {@link RingSettings} ({@value RingSettings#PID}, {@code etc/ringswitch.datapath.cfg}); kept apart
 * because a change of these never restarts the ring.
 *
 * @param stormControlPps broadcast and multicast frames a port may send per second, 0 for no limit
 * @param moduleStallMillis how long one call into a module may take before the watchdog isolates the module and
 *                          replaces the worker thread, in milliseconds
 */
record GuardSettings(int stormControlPps, long moduleStallMillis) {

    /** Key of {@link #stormControlPps}. */
    static final String STORM_CONTROL_PPS = "stormControlPps";
    /** Key of {@link #moduleStallMillis}. */
    static final String MODULE_STALL_MILLIS = "moduleStallMillis";

    /**
     * No limit unless configured: the code default leaves tests and benchmarks alone; the shipped
     * {@code etc/ringswitch.datapath.cfg} sets one for the appliance.
     */
    static final int DEFAULT_STORM_CONTROL_PPS = 0;
    /** Two seconds: far beyond any module's per-batch time, short enough that ports recover on their own. */
    static final long DEFAULT_MODULE_STALL_MILLIS = 2000;
    /** Shortest stall limit accepted: below it a GC pause could pass for a stall. */
    static final long MIN_MODULE_STALL_MILLIS = 100;
    /** Highest storm limit accepted, frames per second. */
    static final int MAX_STORM_CONTROL_PPS = PortConfig.MAX_STORM_CONTROL_PPS;
    /**
     * Storm control lets a port send this long's worth of its rate back to back (100 ms): bursts of ARP or
     * neighbour discovery pass, a loop does not.
     */
    static final long STORM_BURST_NANOS = 100_000_000L;
    /** The smallest burst storm control lets through, frames: one ingress burst of a port. */
    static final int MIN_STORM_BURST = 32;

    /** The defaults. */
    static final GuardSettings DEFAULTS = new GuardSettings(DEFAULT_STORM_CONTROL_PPS, DEFAULT_MODULE_STALL_MILLIS);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the key, the value and the accepted range
     */
    GuardSettings {
        if (stormControlPps < 0 || stormControlPps > MAX_STORM_CONTROL_PPS) {
            throw new IllegalArgumentException("invalid " + STORM_CONTROL_PPS + " " + stormControlPps + " in "
                    + RingSettings.PID + ": expected 0 (no limit) to " + MAX_STORM_CONTROL_PPS + " frames per second");
        }
        if (moduleStallMillis < MIN_MODULE_STALL_MILLIS) {
            throw new IllegalArgumentException("invalid " + MODULE_STALL_MILLIS + " " + moduleStallMillis + " in "
                    + RingSettings.PID + ": expected at least " + MIN_MODULE_STALL_MILLIS + " ms");
        }
    }

    /**
     * @param config the DS configuration
     * @return validated settings
     */
    static GuardSettings from(DatapathConfig config) {
        return new GuardSettings(config.stormControlPps(), config.moduleStallMillis());
    }

    /**
     * @param port a port's configuration
     * @return the storm limit that applies to it: its own if it has one, else this switch-wide one
     */
    int stormControlPps(PortConfig port) {
        return port.stormControlPps() != null ? port.stormControlPps() : stormControlPps;
    }

    /**
     * @param pps a storm limit, frames per second, 0 for none
     * @return nanoseconds between two group frames at that limit (the GCRA increment), 0 without a limit
     */
    static long stormIntervalNanos(int pps) {
        return pps == 0 ? 0 : Math.max(1, 1_000_000_000L / pps);
    }

    /**
     * @param intervalNanos the GCRA increment of a storm limit
     * @return how far ahead of real time a port's group frames may run (the GCRA tolerance), nanoseconds
     */
    static long stormToleranceNanos(long intervalNanos) {
        return Math.max(STORM_BURST_NANOS, (MIN_STORM_BURST - 1) * intervalNanos);
    }

    /** @return the settings in cfg syntax, for log lines */
    String describe() {
        return STORM_CONTROL_PPS + "=" + stormControlPps + ", " + MODULE_STALL_MILLIS + "=" + moduleStallMillis;
    }
}
