package dev.ringswitch.api.datapath;

import dev.ringswitch.api.module.DropReason;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The datapath's drop and error counters of one port, by reason. Like {@link dev.ringswitch.api.port.PortCounters}
 * they run from the moment the port joined the switch, never go back, and may lag by a batch.
 *
 * @param port the port name
 * @param number the switch port number
 * @param rxDrops frames read from the port and dropped, by reason (runts, too long, and every pipeline drop);
 *                reasons never seen are absent
 * @param txDrops frames meant for the port that were not written, by reason; reasons never seen are absent
 * @param rxErrors reads from the port that failed with an error (the datapath stops reading such a port)
 * @param txErrors writes to the port that failed with an unexpected error (also counted as
 *                 {@link DropReason#IO_ERROR} tx drops)
 * @since 1.1
 */
public record PortDropCounters(String port, int number, Map<DropReason, Long> rxDrops,
                               Map<DropReason, Long> txDrops, long rxErrors, long txErrors) {

    /**
     * Copies the maps.
     *
     * @throws NullPointerException if {@code port} or a map is null
     */
    public PortDropCounters {
        Objects.requireNonNull(port, "port");
        rxDrops = copy(rxDrops);
        txDrops = copy(txDrops);
    }

    private static Map<DropReason, Long> copy(Map<DropReason, Long> counts) {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        out.putAll(counts);
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param reason a reason
     * @return frames read from the port and dropped for it
     */
    public long rxDrops(DropReason reason) {
        return rxDrops.getOrDefault(reason, 0L);
    }

    /**
     * @param reason a reason
     * @return frames meant for the port and not written for it
     */
    public long txDrops(DropReason reason) {
        return txDrops.getOrDefault(reason, 0L);
    }
}
