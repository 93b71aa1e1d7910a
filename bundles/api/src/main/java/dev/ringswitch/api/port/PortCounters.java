package dev.ringswitch.api.port;

/**
 * The datapath's own per-port counters: cheap, always on, read without stopping traffic (values may lag by a batch).
 *
 * @param rxPackets frames read from the port
 * @param rxBytes bytes read from the port
 * @param txPackets frames written to the port
 * @param txBytes bytes written to the port
 * @param rxDrops frames read from the port and dropped (malformed, by a module, ...)
 * @param txDrops frames that could not be written (link down, kernel queue full, ...)
 */
public record PortCounters(long rxPackets, long rxBytes, long txPackets, long txBytes, long rxDrops, long txDrops) {

    /** All zero. */
    public static final PortCounters ZERO = new PortCounters(0, 0, 0, 0, 0, 0);
}
