package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import io.prometheus.client.CounterMetricFamily;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The statistics module's counters ({@link StatsService#totals()}, never reset, so that Prometheus counters only go
 * up; an operator's reset affects the shell's view only). Absent module, absent series. Every reason of a direction
 * is exported, zeros included, so that a rate over a reason exists before its first drop. Sample output (abridged:
 * one port, two of the rx reasons):
 * <pre>
 * # HELP ringswitch_port_rx_drops_total Frames from the port that the switch dropped, by reason.
 * # TYPE ringswitch_port_rx_drops_total counter
 * ringswitch_port_rx_drops_total{port="tap0",reason="runt",} 0.0
 * ringswitch_port_rx_drops_total{port="tap0",reason="no_egress",} 2.0
 * # HELP ringswitch_port_tx_drops_total Frames for the port that were not written, by reason.
 * # TYPE ringswitch_port_tx_drops_total counter
 * ringswitch_port_tx_drops_total{port="tap0",reason="link_down",} 0.0
 * # HELP ringswitch_port_flooded_frames_total Frames from the port sent to several ports or to a group address.
 * # TYPE ringswitch_port_flooded_frames_total counter
 * ringswitch_port_flooded_frames_total{port="tap0",} 3.0
 * # HELP ringswitch_port_rx_errors_total Reads from the port that failed with an error.
 * # TYPE ringswitch_port_rx_errors_total counter
 * ringswitch_port_rx_errors_total{port="tap0",} 0.0
 * # HELP ringswitch_port_tx_errors_total Writes to the port that failed with an unexpected error.
 * # TYPE ringswitch_port_tx_errors_total counter
 * ringswitch_port_tx_errors_total{port="tap0",} 0.0
 * # HELP ringswitch_vlan_frames_total Frames switched in the VLAN (0 = not classified).
 * # TYPE ringswitch_vlan_frames_total counter
 * ringswitch_vlan_frames_total{vlan="10",} 998.0
 * # HELP ringswitch_vlan_bytes_total Bytes of the frames switched in the VLAN, without their 802.1Q tag.
 * # TYPE ringswitch_vlan_bytes_total counter
 * ringswitch_vlan_bytes_total{vlan="10",} 63872.0
 * </pre>
 */
final class StatsCollector extends SourceCollector<StatsService> {

    private static final List<String> PORT = List.of("port");
    private static final List<String> PORT_REASON = List.of("port", "reason");
    private static final List<String> VLAN = List.of("vlan");

    /** @param stats the statistics service, or {@code null} when the module is not installed */
    StatsCollector(Supplier<? extends StatsService> stats) {
        super("StatsService", stats);
    }

    @Override
    List<MetricFamilySamples> collect(StatsService service) {
        StatsSnapshot totals = service.totals();
        CounterMetricFamily rxDrops = new CounterMetricFamily("ringswitch_port_rx_drops_total",
                "Frames from the port that the switch dropped, by reason.", PORT_REASON);
        CounterMetricFamily txDrops = new CounterMetricFamily("ringswitch_port_tx_drops_total",
                "Frames for the port that were not written, by reason.", PORT_REASON);
        CounterMetricFamily flooded = new CounterMetricFamily("ringswitch_port_flooded_frames_total",
                "Frames from the port sent to several ports or to a group address.", PORT);
        CounterMetricFamily rxErrors = new CounterMetricFamily("ringswitch_port_rx_errors_total",
                "Reads from the port that failed with an error.", PORT);
        CounterMetricFamily txErrors = new CounterMetricFamily("ringswitch_port_tx_errors_total",
                "Writes to the port that failed with an unexpected error.", PORT);
        for (PortStats port : totals.ports()) {
            addByReason(rxDrops, port.port(), port.rxDrops());
            addByReason(txDrops, port.port(), port.txDrops());
            List<String> label = List.of(port.port());
            flooded.addMetric(label, port.flooded());
            rxErrors.addMetric(label, port.rxErrors());
            txErrors.addMetric(label, port.txErrors());
        }
        CounterMetricFamily vlanFrames = new CounterMetricFamily("ringswitch_vlan_frames_total",
                "Frames switched in the VLAN (0 = not classified).", VLAN);
        CounterMetricFamily vlanBytes = new CounterMetricFamily("ringswitch_vlan_bytes_total",
                "Bytes of the frames switched in the VLAN, without their 802.1Q tag.", VLAN);
        for (VlanStats vlan : totals.vlans()) {
            List<String> label = List.of(Integer.toString(vlan.vlan()));
            vlanFrames.addMetric(label, vlan.frames());
            vlanBytes.addMetric(label, vlan.bytes());
        }
        return List.of(rxDrops, txDrops, flooded, rxErrors, txErrors, vlanFrames, vlanBytes);
    }

    private static void addByReason(CounterMetricFamily family, String port, Map<DropReason, Long> counts) {
        counts.forEach((reason, n) -> family.addMetric(List.of(port, reason.label()), n));
    }
}
