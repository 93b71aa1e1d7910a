package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.TapPort;

/**
 * A port of the switch: its number, open TAP, configuration in effect and counters. The datapath threads use only
 * the final fields; {@link #config} is changed by control threads under the manager's lock.
 */
final class PortEntry {

    final int number;
    final TapPort tap;
    /** Whether the port's frames carry a virtio-net header (what the port really has, not what was asked for). */
    final boolean vnet;
    final PortStats stats = new PortStats();
    final RateLimitedLog log;
    /**
     * Storm control: the theoretical arrival time of the port's next group frame (GCRA), nanoseconds. The worker's
     * alone, like the rx counters; outlives plans because the port does.
     */
    long stormTat;
    /**
     * Worker thread only: the last ring sequence handed to the egress thread that writes to this port. While the
     * egress thread has not passed it, the worker must not write to the port itself (see {@link Worker}).
     */
    long pendingUntil = -1;
    /** Worker thread only: frames read in the port's last turn; 0 or 1 means quiet (see {@link Worker}). */
    int lastBurst;
    /** Worker thread only: the worker's wakeup in which it last served a lone frame of this port (see {@link Worker}). */
    long loneWakeup = -2;
    /** Worker thread only: a read failed; the port is no longer watched until it is added again. */
    boolean readFailed;
    private volatile PortConfig config;

    PortEntry(int number, TapPort tap, PortConfig config) {
        this.number = number;
        this.tap = tap;
        this.vnet = tap.vnetHdr();
        this.config = config;
        this.log = new RateLimitedLog(tap.name());
    }

    String name() {
        return tap.name();
    }

    PortConfig config() {
        return config;
    }

    void setConfig(PortConfig value) {
        config = value;
    }

    PortInfo info() {
        return new PortInfo(config, number, tap.ifIndex(), stats.snapshot());
    }
}
