package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.metrics.internal.support.InMemorySwitch;
import dev.ringswitch.metrics.internal.support.Promtool;
import dev.ringswitch.metrics.internal.support.Scrape;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole chain in one process: frames through the real datapath (in-memory ports) with the real stats module in
 * its pipeline, scraped over HTTP from the real endpoint; exact counts for a known number of frames. The end-to-end
 * test against the distribution does the same over TAPs.
 */
class SwitchScrapeTest {

    private static final String LOOPBACK = "127.0.0.1";
    private static final int FRAMES = 1000;
    private static final int LENGTH = 100;
    private static final int RUNTS = 7;
    private static final int RUNT_LENGTH = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final InMemorySwitch sw = new InMemorySwitch();
    private final MetricsManager metrics = new MetricsManager();

    @BeforeEach
    void setUp() {
        for (String name : new String[] {"rsm-a", "rsm-b", "rsm-c"}) {
            sw.admin().addPort(PortConfig.of(name));
        }
        metrics.ports = sw.ports();
        metrics.datapath = sw.datapath();
        metrics.stats = sw.stats();
        metrics.start(new MetricsSettings(LOOPBACK, 0, false));
    }

    @AfterEach
    void tearDown() {
        metrics.deactivate();
        sw.close();
    }

    private static double get(Map<String, Double> samples, String series) {
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in the scrape: " + samples.keySet());
        }
        return v;
    }

    @Test
    void scrapeAfterTraffic_countsExactly_andRemovedPortsDisappear() throws Exception {
        byte[] runt = new byte[RUNT_LENGTH];
        for (int i = 0; i < RUNTS; i++) {
            assertTrue(sw.port("rsm-b").inject(runt));
        }
        byte[] broadcast = FrameBuilder.ethernet().length(LENGTH).build();
        for (int i = 0; i < FRAMES; i++) {
            assertTrue(sw.port("rsm-a").inject(broadcast));
        }
        assertEquals(FRAMES, sw.port("rsm-b").awaitEgress(FRAMES, TIMEOUT).size());
        assertEquals(FRAMES, sw.port("rsm-c").awaitEgress(FRAMES, TIMEOUT).size());
        sw.quiesce();

        Scrape scrape = Scrape.of(LOOPBACK, metrics.port());
        Map<String, Double> s = scrape.samples();
        long bytes = (long) FRAMES * LENGTH;
        assertEquals(FRAMES, get(s, "ringswitch_port_rx_packets_total{port=\"rsm-a\",}"));
        assertEquals(bytes, get(s, "ringswitch_port_rx_bytes_total{port=\"rsm-a\",}"));
        assertEquals(RUNTS, get(s, "ringswitch_port_rx_packets_total{port=\"rsm-b\",}"));
        assertEquals((long) RUNTS * RUNT_LENGTH, get(s, "ringswitch_port_rx_bytes_total{port=\"rsm-b\",}"));
        assertEquals(RUNTS, get(s, "ringswitch_port_rx_drops_total{port=\"rsm-b\",reason=\"runt\",}"));
        assertEquals(0, get(s, "ringswitch_port_rx_drops_total{port=\"rsm-a\",reason=\"runt\",}"));
        for (String out : new String[] {"rsm-b", "rsm-c"}) {
            assertEquals(FRAMES, get(s, "ringswitch_port_tx_packets_total{port=\"" + out + "\",}"));
            assertEquals(bytes, get(s, "ringswitch_port_tx_bytes_total{port=\"" + out + "\",}"));
            assertEquals(0, get(s, "ringswitch_port_tx_drops_total{port=\"" + out + "\",reason=\"queue_full\",}"));
        }
        assertEquals(0, get(s, "ringswitch_port_tx_packets_total{port=\"rsm-a\",}"));
        assertEquals(FRAMES, get(s, "ringswitch_port_flooded_frames_total{port=\"rsm-a\",}"));
        assertEquals(0, get(s, "ringswitch_port_flooded_frames_total{port=\"rsm-b\",}"));
        assertEquals(FRAMES, get(s, "ringswitch_vlan_frames_total{vlan=\"0\",}"));
        assertEquals(bytes, get(s, "ringswitch_vlan_bytes_total{vlan=\"0\",}"));
        assertEquals(FRAMES, get(s, "ringswitch_module_frames_total{module=\"stats\",}"), "runts never reach modules");
        assertEquals(FRAMES, get(s, "ringswitch_module_processing_seconds_count{module=\"stats\",}"));
        assertEquals(FRAMES,
                get(s, "ringswitch_module_processing_seconds_bucket{module=\"stats\",le=\"+Inf\",}"));
        assertEquals(sw.datapath().status().ringSize(), get(s, "ringswitch_ring_capacity"));
        assertEquals(3, get(s, "ringswitch_ports"));
        assertFalse(scrape.body().contains("rsm-barrier"), "a removed port leaves no series");
        Promtool.check(scrape.body());

        sw.admin().removePort("rsm-c");
        Map<String, Double> after = Scrape.of(LOOPBACK, metrics.port()).samples();
        assertFalse(after.keySet().stream().anyMatch(k -> k.contains("rsm-c")), after.keySet().toString());
        assertEquals(FRAMES, get(after, "ringswitch_port_tx_packets_total{port=\"rsm-b\",}"));
    }
}
