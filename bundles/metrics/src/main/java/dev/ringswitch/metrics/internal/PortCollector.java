package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortService;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

import java.util.List;
import java.util.function.Supplier;

/**
 * The datapath's own per-port counters ({@link PortService}, part of the core: present whenever the switch runs).
 * One series per port and counter; a removed port is no longer in {@link PortService#ports()} and so disappears from
 * the next scrape. Sample output:
 * <pre>
 * # HELP ringswitch_port_rx_packets_total Frames read from the port.
 * # TYPE ringswitch_port_rx_packets_total counter
 * ringswitch_port_rx_packets_total{port="tap0",} 1000.0
 * # HELP ringswitch_port_rx_bytes_total Bytes of the frames read from the port.
 * # TYPE ringswitch_port_rx_bytes_total counter
 * ringswitch_port_rx_bytes_total{port="tap0",} 64000.0
 * # HELP ringswitch_port_tx_packets_total Frames written to the port.
 * # TYPE ringswitch_port_tx_packets_total counter
 * ringswitch_port_tx_packets_total{port="tap0",} 998.0
 * # HELP ringswitch_port_tx_bytes_total Bytes of the frames written to the port.
 * # TYPE ringswitch_port_tx_bytes_total counter
 * ringswitch_port_tx_bytes_total{port="tap0",} 63872.0
 * # HELP ringswitch_port_up Whether the port is administratively up (1) or down (0).
 * # TYPE ringswitch_port_up gauge
 * ringswitch_port_up{port="tap0",} 1.0
 * </pre>
 */
final class PortCollector extends SourceCollector<PortService> {

    private static final List<String> PORT = List.of("port");

    /** @param ports the port service, or {@code null} when absent */
    PortCollector(Supplier<? extends PortService> ports) {
        super("PortService", ports);
    }

    @Override
    List<MetricFamilySamples> collect(PortService service) {
        CounterMetricFamily rxPackets = new CounterMetricFamily("ringswitch_port_rx_packets_total",
                "Frames read from the port.", PORT);
        CounterMetricFamily rxBytes = new CounterMetricFamily("ringswitch_port_rx_bytes_total",
                "Bytes of the frames read from the port.", PORT);
        CounterMetricFamily txPackets = new CounterMetricFamily("ringswitch_port_tx_packets_total",
                "Frames written to the port.", PORT);
        CounterMetricFamily txBytes = new CounterMetricFamily("ringswitch_port_tx_bytes_total",
                "Bytes of the frames written to the port.", PORT);
        GaugeMetricFamily up = new GaugeMetricFamily("ringswitch_port_up",
                "Whether the port is administratively up (1) or down (0).", PORT);
        for (PortInfo port : service.ports()) {
            List<String> label = List.of(port.name());
            PortCounters c = port.counters();
            rxPackets.addMetric(label, c.rxPackets());
            rxBytes.addMetric(label, c.rxBytes());
            txPackets.addMetric(label, c.txPackets());
            txBytes.addMetric(label, c.txBytes());
            up.addMetric(label, port.config().up() ? 1 : 0);
        }
        return List.of(rxPackets, rxBytes, txPackets, txBytes, up);
    }
}
