package dev.ringswitch.stats.internal;

import dev.ringswitch.api.port.TapPort;

/**
 * Counters only the kernel has. When the ring is full the ingress thread stops reading and frames wait in the TAP's
 * kernel queue; when that overflows, the TUN driver drops them and counts them as the interface's {@code tx_dropped}
 * (transmitted by the kernel towards the switch, never delivered). That is the switch's {@code ring_full} rx drop.
 * In the module it is {@link dev.ringswitch.api.port.PortService#kernelQueueDrops}, which reads the counter wherever
 * the interface is, also in another network namespace; tests give their own.
 */
@FunctionalInterface
interface KernelCounters {

    /** Returned when the kernel has no counter for the name (no such interface, not Linux, in-memory ports). */
    long UNKNOWN = TapPort.UNKNOWN_COUNT;

    /**
     * @param port an interface name
     * @return frames the kernel dropped on their way to the switch, or {@link #UNKNOWN}
     */
    long rxQueueDrops(String port);
}
