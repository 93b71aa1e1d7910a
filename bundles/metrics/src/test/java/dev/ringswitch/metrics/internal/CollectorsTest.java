package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.fdb.FlapReport;
import dev.ringswitch.api.fdb.FlappingStation;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import dev.ringswitch.metrics.internal.support.FakeDatapath;
import dev.ringswitch.metrics.internal.support.FakeFdb;
import dev.ringswitch.metrics.internal.support.FakePorts;
import dev.ringswitch.metrics.internal.support.FakeStats;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Each collector against a private registry and fake services, read back with getSampleValue. */
class CollectorsTest {

    private static final String[] PORT = {"port"};
    private static final String[] MODULE = {"module"};

    private final CollectorRegistry registry = new CollectorRegistry();
    private final FakePorts ports = new FakePorts();
    private final FakeStats stats = new FakeStats();
    private final FakeDatapath datapath = new FakeDatapath();
    private final FakeFdb fdb = new FakeFdb();
    private volatile boolean statsInstalled = true;
    private volatile boolean fdbInstalled = true;

    @BeforeEach
    void setUp() {
        new PortCollector(() -> ports).register(registry);
        new StatsCollector(() -> statsInstalled ? stats : null).register(registry);
        new DatapathCollector(() -> datapath).register(registry);
        new FdbCollector(() -> fdbInstalled ? fdb : null).register(registry);
        fdb.setStats(new FdbStats(0, 0, Map.of(), 0, 0, 0, 0, 0, 8192, 300));
    }

    private Double value(String name, String[] labels, String... values) {
        return registry.getSampleValue(name, labels, values);
    }

    private Double value(String name) {
        return registry.getSampleValue(name);
    }

    private List<String> sampleNames() {
        List<String> names = new ArrayList<>();
        for (Collector.MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
            f.samples.forEach(s -> names.add(s.name));
        }
        return names;
    }

    @Test
    void ports_exportDatapathCountersPerPort_andForgetRemovedPorts() {
        ports.put("rsm0", 0, new PortCounters(1000, 64_000, 998, 63_872, 2, 0));
        ports.put("rsm1", 1, new PortCounters(5, 320, 7, 448, 0, 1));

        assertEquals(1000.0, value("ringswitch_port_rx_packets_total", PORT, "rsm0"));
        assertEquals(64_000.0, value("ringswitch_port_rx_bytes_total", PORT, "rsm0"));
        assertEquals(998.0, value("ringswitch_port_tx_packets_total", PORT, "rsm0"));
        assertEquals(63_872.0, value("ringswitch_port_tx_bytes_total", PORT, "rsm0"));
        assertEquals(1.0, value("ringswitch_port_up", PORT, "rsm0"));
        assertEquals(7.0, value("ringswitch_port_tx_packets_total", PORT, "rsm1"));

        ports.remove("rsm1");
        assertNull(value("ringswitch_port_tx_packets_total", PORT, "rsm1"));
        assertEquals(998.0, value("ringswitch_port_tx_packets_total", PORT, "rsm0"));
    }

    @Test
    void stats_exportDropsByReasonFloodedErrorsAndVlans() {
        stats.setTotals(new StatsSnapshot(List.of(new PortStats("rsm0", 10, 640, 9, 576,
                Map.of(DropReason.NO_EGRESS, 2L, DropReason.RING_FULL, 5L), Map.of(DropReason.LINK_DOWN, 3L), 4, 0,
                1)), List.of(new VlanStats(0, 8, 512), new VlanStats(10, 998, 63_872))));
        String[] portReason = {"port", "reason"};

        assertEquals(2.0, value("ringswitch_port_rx_drops_total", portReason, "rsm0", "no_egress"));
        assertEquals(5.0, value("ringswitch_port_rx_drops_total", portReason, "rsm0", "ring_full"));
        assertEquals(0.0, value("ringswitch_port_rx_drops_total", portReason, "rsm0", "vlan_not_allowed"));
        assertNull(value("ringswitch_port_rx_drops_total", portReason, "rsm0", "link_down"), "tx-only reason");
        assertEquals(3.0, value("ringswitch_port_tx_drops_total", portReason, "rsm0", "link_down"));
        assertEquals(0.0, value("ringswitch_port_tx_drops_total", portReason, "rsm0", "queue_full"));
        assertEquals(4.0, value("ringswitch_port_flooded_frames_total", PORT, "rsm0"));
        assertEquals(0.0, value("ringswitch_port_rx_errors_total", PORT, "rsm0"));
        assertEquals(1.0, value("ringswitch_port_tx_errors_total", PORT, "rsm0"));
        assertEquals(998.0, value("ringswitch_vlan_frames_total", new String[] {"vlan"}, "10"));
        assertEquals(63_872.0, value("ringswitch_vlan_bytes_total", new String[] {"vlan"}, "10"));
        assertEquals(8.0, value("ringswitch_vlan_frames_total", new String[] {"vlan"}, "0"));
    }

    @Test
    void absentModules_leaveTheirSeriesOut_andNothingFails() {
        stats.setTotals(new StatsSnapshot(List.of(new PortStats("rsm0", 1, 64, 1, 64, Map.of(), Map.of(), 0, 0, 0)),
                List.of(new VlanStats(0, 1, 64))));
        assertEquals(0.0, value("ringswitch_fdb_learned_total"));
        statsInstalled = false;
        fdbInstalled = false;

        List<String> names = sampleNames();
        assertEquals(List.of(), names.stream().filter(n -> n.startsWith("ringswitch_fdb_")
                || n.startsWith("ringswitch_vlan_") || n.contains("_drops_") || n.contains("flooded")).toList());
        assertEquals(1024.0, value("ringswitch_ring_capacity"), "the core's series stay");
    }

    @Test
    void failingSource_isLeftOutOfTheScrape_othersStay() {
        fdb.setFailing(true);
        ports.put("rsm0", 0, new PortCounters(1, 64, 0, 0, 0, 0));

        assertNull(value("ringswitch_fdb_learned_total"));
        assertEquals(1.0, value("ringswitch_port_rx_packets_total", PORT, "rsm0"));
        fdb.setFailing(false);
        assertEquals(0.0, value("ringswitch_fdb_learned_total"));
    }

    @Test
    void datapath_exportsRingAndModules_andForgetsRemovedModules() {
        datapath.setStatus(new DatapathStatus(2, 1024, 17, 3, List.of(), 1000));
        ModuleInfo l2 = new ModuleInfo("l2-learning", "ringswitch-l2-learning/0.1.0", Band.DIRECTOR, 1,
                ModuleInfo.State.ACTIVE, 1000, 2, 0, 40.0);
        ModuleInfo stat = new ModuleInfo("stats", "ringswitch-stats/0.1.0", Band.OBSERVER, 2,
                ModuleInfo.State.FAILED, 500, 7, 100, 5.0);
        datapath.setModules(List.of(l2, stat), List.of());

        assertEquals(1024.0, value("ringswitch_ring_capacity"));
        assertEquals(17.0, value("ringswitch_ring_occupancy"));
        assertEquals(3.0, value("ringswitch_ring_publish_stalls_total"));
        assertEquals(2.0, value("ringswitch_ports"));
        assertEquals(1000.0, value("ringswitch_module_frames_total", MODULE, "l2-learning"));
        assertEquals(2.0, value("ringswitch_module_drops_total", MODULE, "l2-learning"));
        assertEquals(100.0, value("ringswitch_module_exceptions_total", MODULE, "stats"));
        assertEquals(1.0, value("ringswitch_module_failed", MODULE, "stats"));
        assertEquals(0.0, value("ringswitch_module_failed", MODULE, "l2-learning"));

        datapath.setModules(List.of(l2), List.of());
        assertNull(value("ringswitch_module_frames_total", MODULE, "stats"));
    }

    @Test
    void moduleTimings_areCumulativeBucketsInSeconds() {
        List<Long> buckets = new ArrayList<>(Collections.nCopies(ModuleTiming.BOUNDS_NANOS.size() + 1, 0L));
        buckets.set(ModuleTiming.bucketOf(40), 900L);
        buckets.set(ModuleTiming.bucketOf(200), 90L);
        buckets.set(ModuleTiming.BOUNDS_NANOS.size(), 10L);
        datapath.setModules(List.of(), List.of(new ModuleTiming("l2-learning", 1, buckets, 1000, 2_000_000)));
        String[] le = {"module", "le"};

        assertEquals(0.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "2.5E-8"));
        assertEquals(900.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "5.0E-8"));
        assertEquals(900.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "1.0E-7"));
        assertEquals(990.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "2.5E-7"));
        assertEquals(990.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "1.0E-4"));
        assertEquals(1000.0, value("ringswitch_module_processing_seconds_bucket", le, "l2-learning", "+Inf"));
        assertEquals(1000.0, value("ringswitch_module_processing_seconds_count", MODULE, "l2-learning"));
        assertEquals(0.002, value("ringswitch_module_processing_seconds_sum", MODULE, "l2-learning"), 1e-12);
    }

    @Test
    void moduleLabels_keepNamesUniqueInAScrape() {
        assertEquals(List.of("vlan", "l2#2", "l2#3", "stats"),
                SourceCollector.moduleLabels(List.of("vlan", "l2", "l2", "stats")));
    }

    @Test
    void fdb_exportsEntriesPerVlanAndCounters() {
        fdb.setStats(new FdbStats(5, 1, Map.of(10, 3, 20, 2), 12, 4, 2, 3, 1, 8192, 300));

        assertEquals(3.0, value("ringswitch_fdb_entries", new String[] {"vlan"}, "10"));
        assertEquals(2.0, value("ringswitch_fdb_entries", new String[] {"vlan"}, "20"));
        assertEquals(1.0, value("ringswitch_fdb_static_entries"));
        assertEquals(8192.0, value("ringswitch_fdb_max_entries"));
        assertEquals(12.0, value("ringswitch_fdb_learned_total"));
        assertEquals(4.0, value("ringswitch_fdb_expired_total"));
        assertEquals(2.0, value("ringswitch_fdb_evicted_total"));
        assertEquals(3.0, value("ringswitch_fdb_moves_total"));
    }

    @Test
    void fdb_exportsFlapDetectionsAndFlappingStations() {
        assertEquals(0.0, value("ringswitch_fdb_flaps_total"));
        assertEquals(0.0, value("ringswitch_fdb_flapping_stations"));
        fdb.setFlaps(new FlapReport(7, 10, 10, List.of(new FlappingStation(MacAddress.parse("02:00:00:00:00:ee"), 10,
                "tap1", "tap2", 42))));

        assertEquals(7.0, value("ringswitch_fdb_flaps_total"));
        assertEquals(1.0, value("ringswitch_fdb_flapping_stations"));
    }
}
