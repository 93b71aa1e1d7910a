package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ring and the forwarding modules as the datapath sees them ({@link DatapathService}, part of the core). A module
 * that leaves the pipeline is no longer in {@link DatapathService#modules()} and its series disappear. The processing
 * time is a histogram with the datapath's fixed buckets ({@link ModuleTiming#BOUNDS_NANOS}, exported in seconds);
 * each batch adds its frames to the bucket of its mean time per frame. Sample output (abridged: one module, three
 * of its buckets):
 * <pre>
 * # HELP ringswitch_ring_capacity Slots in the datapath's ring.
 * # TYPE ringswitch_ring_capacity gauge
 * ringswitch_ring_capacity 1024.0
 * # HELP ringswitch_ring_occupancy Slots published but not yet processed.
 * # TYPE ringswitch_ring_occupancy gauge
 * ringswitch_ring_occupancy 0.0
 * # HELP ringswitch_ring_publish_stalls_total Times ingress found the ring full and stopped reading.
 * # TYPE ringswitch_ring_publish_stalls_total counter
 * ringswitch_ring_publish_stalls_total 0.0
 * # HELP ringswitch_ports Ports of the switch.
 * # TYPE ringswitch_ports gauge
 * ringswitch_ports 2.0
 * # HELP ringswitch_module_frames_total Frames the forwarding module processed.
 * # TYPE ringswitch_module_frames_total counter
 * ringswitch_module_frames_total{module="l2-learning",} 1000.0
 * # HELP ringswitch_module_drops_total Frames the forwarding module dropped (including for its exceptions).
 * # TYPE ringswitch_module_drops_total counter
 * ringswitch_module_drops_total{module="l2-learning",} 0.0
 * # HELP ringswitch_module_exceptions_total Exceptions the forwarding module threw.
 * # TYPE ringswitch_module_exceptions_total counter
 * ringswitch_module_exceptions_total{module="l2-learning",} 0.0
 * # HELP ringswitch_module_failed Whether the module is isolated after repeated failures (1) or runs (0).
 * # TYPE ringswitch_module_failed gauge
 * ringswitch_module_failed{module="l2-learning",} 0.0
 * # HELP ringswitch_module_processing_seconds Time the forwarding module spends per frame.
 * # TYPE ringswitch_module_processing_seconds histogram
 * ringswitch_module_processing_seconds_bucket{module="l2-learning",le="2.5E-8",} 0.0
 * ringswitch_module_processing_seconds_bucket{module="l2-learning",le="5.0E-8",} 900.0
 * ringswitch_module_processing_seconds_bucket{module="l2-learning",le="+Inf",} 1000.0
 * ringswitch_module_processing_seconds_count{module="l2-learning",} 1000.0
 * ringswitch_module_processing_seconds_sum{module="l2-learning",} 4.1E-5
 * </pre>
 */
final class DatapathCollector extends SourceCollector<DatapathService> {

    private static final String PROCESSING = "ringswitch_module_processing_seconds";
    private static final List<String> MODULE = List.of("module");
    private static final List<String> MODULE_LE = List.of("module", "le");
    private static final double NANOS_PER_SECOND = 1e9;

    /** @param datapath the datapath service, or {@code null} when absent */
    DatapathCollector(Supplier<? extends DatapathService> datapath) {
        super("DatapathService", datapath);
    }

    @Override
    List<MetricFamilySamples> collect(DatapathService service) {
        List<MetricFamilySamples> out = new ArrayList<>();
        DatapathStatus status = service.status();
        out.add(new GaugeMetricFamily("ringswitch_ring_capacity", "Slots in the datapath's ring.",
                status.ringSize()));
        out.add(new GaugeMetricFamily("ringswitch_ring_occupancy", "Slots published but not yet processed.",
                status.ringOccupancy()));
        out.add(new CounterMetricFamily("ringswitch_ring_publish_stalls_total",
                "Times ingress found the ring full and stopped reading.", status.publishStalls()));
        out.add(new GaugeMetricFamily("ringswitch_ports", "Ports of the switch.", status.ports()));
        addModules(out, service.modules());
        out.add(histogram(service.moduleTimings()));
        return out;
    }

    private static void addModules(List<MetricFamilySamples> out, List<ModuleInfo> modules) {
        CounterMetricFamily frames = new CounterMetricFamily("ringswitch_module_frames_total",
                "Frames the forwarding module processed.", MODULE);
        CounterMetricFamily drops = new CounterMetricFamily("ringswitch_module_drops_total",
                "Frames the forwarding module dropped (including for its exceptions).", MODULE);
        CounterMetricFamily exceptions = new CounterMetricFamily("ringswitch_module_exceptions_total",
                "Exceptions the forwarding module threw.", MODULE);
        GaugeMetricFamily failed = new GaugeMetricFamily("ringswitch_module_failed",
                "Whether the module is isolated after repeated failures (1) or runs (0).", MODULE);
        List<String> labels = moduleLabels(modules.stream().map(ModuleInfo::name).toList());
        for (int i = 0; i < modules.size(); i++) {
            ModuleInfo m = modules.get(i);
            List<String> label = List.of(labels.get(i));
            frames.addMetric(label, m.frames());
            drops.addMetric(label, m.drops());
            exceptions.addMetric(label, m.exceptions());
            failed.addMetric(label, m.state() == ModuleInfo.State.FAILED ? 1 : 0);
        }
        out.add(frames);
        out.add(drops);
        out.add(exceptions);
        out.add(failed);
    }

    /**
     * simpleclient 0.16 has no histogram family for custom collectors, so the samples are built as the text format
     * lays them out: cumulative buckets, then count and sum.
     */
    private static MetricFamilySamples histogram(List<ModuleTiming> timings) {
        List<MetricFamilySamples.Sample> samples = new ArrayList<>();
        List<String> labels = moduleLabels(timings.stream().map(ModuleTiming::name).toList());
        for (int i = 0; i < timings.size(); i++) {
            ModuleTiming t = timings.get(i);
            String module = labels.get(i);
            long cumulative = 0;
            for (int b = 0; b < ModuleTiming.BOUNDS_NANOS.size(); b++) {
                cumulative += t.bucketCounts().get(b);
                String le = doubleToGoString(ModuleTiming.BOUNDS_NANOS.get(b) / NANOS_PER_SECOND);
                samples.add(new MetricFamilySamples.Sample(PROCESSING + "_bucket", MODULE_LE, List.of(module, le),
                        cumulative));
            }
            List<String> label = List.of(module);
            samples.add(new MetricFamilySamples.Sample(PROCESSING + "_bucket", MODULE_LE, List.of(module, "+Inf"),
                    t.count()));
            samples.add(new MetricFamilySamples.Sample(PROCESSING + "_count", MODULE, label, t.count()));
            samples.add(new MetricFamilySamples.Sample(PROCESSING + "_sum", MODULE, label,
                    t.sumNanos() / NANOS_PER_SECOND));
        }
        return new MetricFamilySamples(PROCESSING, Type.HISTOGRAM, "Time the forwarding module spends per frame.",
                samples);
    }
}
