package dev.ringswitch.api.datapath;

/**
 * A snapshot of the datapath.
 *
 * @param ports number of ports
 * @param ringSize slots in the ring
 * @param ringOccupancy slots published but not yet fully processed
 * @param publishStalls times ingress found the ring full and stopped reading
 * @param threads datapath thread names
 * @param uptimeMillis time since the datapath started
 */
public record DatapathStatus(int ports, int ringSize, long ringOccupancy, long publishStalls,
                             java.util.List<String> threads, long uptimeMillis) {
}
