package dev.ringswitch.api.stats;

import dev.ringswitch.api.module.DropReason;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Traffic counters of one port.
 *
 * @param port the port name
 * @param rxPackets frames read from the port (including those dropped afterwards)
 * @param rxBytes their bytes, as read
 * @param txPackets frames written to the port
 * @param txBytes their bytes, as written (with the 802.1Q tag the port adds on egress, if any)
 * @param rxDrops frames from the port that the switch dropped, by reason; holds every reason of {@link #RX_REASONS}
 *                (zero or not) and any other reason the datapath counted
 * @param txDrops frames for the port that were not written, by reason; holds every reason of {@link #TX_REASONS}
 *                (zero or not) and any other reason the datapath counted
 * @param flooded frames from the port sent to several ports or to a group address (broadcast, multicast, unknown
 *                unicast in a flood domain of more than two ports); unknown unicast between two ports looks like
 *                forwarding and is not counted
 * @param rxErrors reads from the port that failed with an error
 * @param txErrors writes to the port that failed with an unexpected error
 */
public record PortStats(String port, long rxPackets, long rxBytes, long txPackets, long txBytes,
                        Map<DropReason, Long> rxDrops, Map<DropReason, Long> txDrops, long flooded, long rxErrors,
                        long txErrors) {

    /** The reasons a frame read from a port is dropped for. */
    public static final Set<DropReason> RX_REASONS = Collections.unmodifiableSet(EnumSet.of(DropReason.RUNT,
            DropReason.MALFORMED, DropReason.TOO_LONG, DropReason.INVALID_SOURCE, DropReason.VLAN_NOT_ALLOWED,
            DropReason.VLAN_RESERVED, DropReason.SAME_PORT, DropReason.STORM, DropReason.MODULE_ERROR,
            DropReason.POLICY, DropReason.NO_EGRESS, DropReason.RING_FULL));

    /** The reasons a frame meant for a port is not written. */
    public static final Set<DropReason> TX_REASONS = Collections.unmodifiableSet(EnumSet.of(DropReason.LINK_DOWN,
            DropReason.QUEUE_FULL, DropReason.IO_ERROR, DropReason.MODULE_ERROR));

    /**
     * Copies the maps, adding a zero for each reason of the direction that is missing.
     *
     * @throws NullPointerException if {@code port} or a map is null
     */
    public PortStats {
        Objects.requireNonNull(port, "port");
        rxDrops = complete(rxDrops, RX_REASONS);
        txDrops = complete(txDrops, TX_REASONS);
    }

    private static Map<DropReason, Long> complete(Map<DropReason, Long> counts, Set<DropReason> reasons) {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        for (DropReason r : reasons) {
            out.put(r, 0L);
        }
        out.putAll(counts);
        return Collections.unmodifiableMap(out);
    }

    /** @return frames from the port dropped for any reason */
    public long rxDropsTotal() {
        return sum(rxDrops);
    }

    /** @return frames for the port not written for any reason */
    public long txDropsTotal() {
        return sum(txDrops);
    }

    private static long sum(Map<DropReason, Long> counts) {
        long n = 0;
        for (long v : counts.values()) {
            n += v;
        }
        return n;
    }
}
