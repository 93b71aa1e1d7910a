package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import dev.ringswitch.metrics.internal.support.FakeDatapath;
import dev.ringswitch.metrics.internal.support.FakeFdb;
import dev.ringswitch.metrics.internal.support.FakePorts;
import dev.ringswitch.metrics.internal.support.FakeStats;
import dev.ringswitch.metrics.internal.support.Promtool;
import dev.ringswitch.metrics.internal.support.Scrape;
import io.prometheus.client.CollectorRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real HTTP endpoint, started in-process on loopback, scraped over HTTP and checked with promtool. */
class EndpointTest {

    private static final String LOOPBACK = "127.0.0.1";

    private final MetricsManager metrics = new MetricsManager();
    private final FakePorts ports = new FakePorts();
    private final FakeStats stats = new FakeStats();
    private final FakeDatapath datapath = new FakeDatapath();
    private final FakeFdb fdb = new FakeFdb();

    @BeforeEach
    void setUp() {
        ports.put("rsm0", 0, new PortCounters(1000, 64_000, 998, 63_872, 2, 0));
        ports.put("rsm1", 1, new PortCounters(998, 63_872, 1000, 64_000, 0, 0));
        stats.setTotals(new StatsSnapshot(List.of(
                new PortStats("rsm0", 1000, 64_000, 998, 63_872, Map.of(DropReason.NO_EGRESS, 2L), Map.of(), 3, 0,
                        0),
                new PortStats("rsm1", 998, 63_872, 1000, 64_000, Map.of(), Map.of(), 0, 0, 0)),
                List.of(new VlanStats(10, 1996, 127_744))));
        datapath.setStatus(new DatapathStatus(2, 1024, 0, 0, List.of("ringswitch-ingress", "ringswitch-worker"), 5));
        List<Long> buckets = new ArrayList<>(Collections.nCopies(ModuleTiming.BOUNDS_NANOS.size() + 1, 0L));
        buckets.set(ModuleTiming.bucketOf(40), 1998L);
        datapath.setModules(List.of(new ModuleInfo("l2-learning", "ringswitch-l2-learning/0.1.0", Band.DIRECTOR, 1,
                ModuleInfo.State.ACTIVE, 1998, 0, 0, 40.0)), List.of(new ModuleTiming("l2-learning", 1, buckets, 1998,
                79_920)));
        fdb.setStats(new FdbStats(2, 0, Map.of(10, 2), 2, 0, 0, 0, 0, 8192, 300));
        metrics.ports = ports;
        metrics.stats = stats;
        metrics.datapath = datapath;
        metrics.fdb = fdb;
    }

    @AfterEach
    void tearDown() {
        metrics.deactivate();
    }

    private static Scrape scrape(int port) throws IOException, InterruptedException {
        return Scrape.of(LOOPBACK, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        }
    }

    @Test
    void scrape_servesTheSwitchAndJvmInTextFormat_whichPromtoolAccepts() throws Exception {
        metrics.start(new MetricsSettings(LOOPBACK, 0, true));
        Scrape response = scrape(metrics.port());

        assertEquals(200, response.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType());
        String body = response.body();
        List<String> lines = body.lines().toList();
        for (String expected : List.of(
                "ringswitch_port_rx_packets_total{port=\"rsm0\",} 1000.0",
                "ringswitch_port_tx_bytes_total{port=\"rsm1\",} 64000.0",
                "ringswitch_port_rx_drops_total{port=\"rsm0\",reason=\"no_egress\",} 2.0",
                "ringswitch_port_flooded_frames_total{port=\"rsm0\",} 3.0",
                "ringswitch_vlan_frames_total{vlan=\"10\",} 1996.0",
                "ringswitch_fdb_entries{vlan=\"10\",} 2.0",
                "ringswitch_fdb_learned_total 2.0",
                "ringswitch_fdb_moves_total 0.0",
                "ringswitch_ring_capacity 1024.0",
                "ringswitch_ring_occupancy 0.0",
                "ringswitch_ring_publish_stalls_total 0.0",
                "ringswitch_module_frames_total{module=\"l2-learning\",} 1998.0",
                "ringswitch_module_processing_seconds_bucket{module=\"l2-learning\",le=\"5.0E-8\",} 1998.0",
                "ringswitch_module_processing_seconds_count{module=\"l2-learning\",} 1998.0",
                "# TYPE ringswitch_module_processing_seconds histogram")) {
            assertTrue(lines.contains(expected), "missing line: " + expected + "\n" + body);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("jvm_threads_current ")), body);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("jvm_memory_bytes_used{")), body);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("process_cpu_seconds_total ")), body);
        assertFalse(body.contains("jvm_threads_deadlocked"), "deadlock scans pause every thread");
        assertNull(CollectorRegistry.defaultRegistry.getSampleValue("jvm_threads_current"),
                "JVM collectors must go to our registry, not the static default one");

        Promtool.check(body);
    }

    @Test
    void scrape_withoutOptionalModules_leavesTheirSeriesOut() throws Exception {
        metrics.stats = null;
        metrics.fdb = null;
        metrics.start(new MetricsSettings(LOOPBACK, 0, false));
        String body = scrape(metrics.port()).body();

        assertTrue(body.contains("ringswitch_port_rx_packets_total{port=\"rsm0\",} 1000.0"), body);
        assertFalse(body.contains("ringswitch_fdb_"), body);
        assertFalse(body.contains("ringswitch_vlan_"), body);
        assertFalse(body.contains("_drops_total{port"), body);
        assertFalse(body.contains("jvm_"), "jvmMetrics=false");
    }

    @Test
    void reconfigure_newPort_movesTheEndpoint() throws Exception {
        metrics.start(new MetricsSettings(LOOPBACK, 0, false));
        int before = metrics.port();
        int next = freePort();
        metrics.reconfigure(new MetricsSettings(LOOPBACK, next, false));

        assertEquals(next, metrics.port());
        assertEquals(200, scrape(next).status());
        assertThrows(ConnectException.class, () -> scrape(before));
    }

    @Test
    void reconfigure_jvmMetricsOff_removesThemWithoutRestart() throws Exception {
        metrics.start(new MetricsSettings(LOOPBACK, 0, true));
        int port = metrics.port();
        assertNotNull(metrics.registry().getSampleValue("jvm_threads_current"));
        metrics.reconfigure(new MetricsSettings(LOOPBACK, 0, false));

        assertEquals(port, metrics.port(), "same endpoint: no restart");
        assertNull(metrics.registry().getSampleValue("jvm_threads_current"));
    }

    @Test
    void deactivate_stopsTheServer() throws Exception {
        metrics.start(new MetricsSettings(LOOPBACK, 0, false));
        int port = metrics.port();
        metrics.deactivate();

        assertEquals(-1, metrics.port());
        assertThrows(ConnectException.class, () -> scrape(port));
    }

    @Test
    void portInUse_leavesTheEndpointOff_andACorrectedPortStartsIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            metrics.start(new MetricsSettings(LOOPBACK, taken.getLocalPort(), false));
            assertEquals(-1, metrics.port());
        }
        metrics.reconfigure(new MetricsSettings(LOOPBACK, 0, false));
        assertNotEquals(-1, metrics.port());
        assertEquals(200, scrape(metrics.port()).status());
    }

    @Test
    void settings_outOfRange_areRefusedWithTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MetricsSettings(LOOPBACK, 70_000, true));
        assertEquals("invalid port 70000 in ringswitch.metrics: expected 0..65535 (0 = any free port)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MetricsSettings(" ", 9842, true));
        assertEquals(new MetricsSettings("127.0.0.1", 9842, true), MetricsSettings.DEFAULTS);
    }
}
