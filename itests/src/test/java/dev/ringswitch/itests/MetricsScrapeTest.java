package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.Metrics;
import dev.ringswitch.itests.support.RawHost;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus endpoint of a running appliance, scraped over HTTP after a known number of frames crossed real TAP
 * ports: every counter matches the frames actually sent, the text passes {@code promtool check metrics}, and a
 * removed port's series disappear.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeTest {

    private static final String IN = "rsi-m1";
    private static final String OUT = "rsi-m2";
    private static final int FRAMES = 400;
    private static final int LENGTH = 100;

    private KarafInstance karaf;
    private RawHost sender;
    private RawHost receiver;

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("TAP ports and namespace hosts");
        karaf = KarafInstance.prepare("metrics").start();
        for (String port : List.of(IN, OUT)) {
            CommandResult add = karaf.admin("ringswitch:port-add " + port);
            assertEquals(0, add.exitStatus(), add::toString);
        }
        // Namespaces with IPv6 off and no IPv4 address: the hosts' kernels send nothing but the test's frames.
        sender = RawHost.create("rsi-mh1", IN);
        receiver = RawHost.create("rsi-mh2", OUT);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            for (RawHost h : new RawHost[] {sender, receiver}) {
                if (h != null) {
                    h.close();
                }
            }
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    void countersMatchTheFramesSentAndTheScrapeIsValid() throws Exception {
        Metrics before = Metrics.scrape(karaf.metricsPort());
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            frames.add(FrameBuilder.ethernet().destination("ff:ff:ff:ff:ff:ff").source("02:00:00:00:0a:01")
                    .etherType(0x88B5).length(LENGTH).build());
        }
        assertEquals(FRAMES, sender.send(frames));

        Metrics delta = awaitDelta(before, d -> d.tx(OUT) >= FRAMES);
        assertEquals(FRAMES, delta.rx(IN), "rx packets");
        assertEquals((long) FRAMES * LENGTH, delta.get("ringswitch_port_rx_bytes_total", "port", IN));
        assertEquals(FRAMES, delta.tx(OUT), "tx packets");
        assertEquals((long) FRAMES * LENGTH, delta.get("ringswitch_port_tx_bytes_total", "port", OUT));
        assertEquals(FRAMES, delta.get("ringswitch_port_flooded_frames_total", "port", IN), "flooded");
        assertEquals(FRAMES, delta.get("ringswitch_vlan_frames_total", "vlan", "0"), "VLAN frames");
        assertEquals((long) FRAMES * LENGTH, delta.get("ringswitch_vlan_bytes_total", "vlan", "0"));
        assertEquals(FRAMES, delta.get("ringswitch_module_frames_total", "module", "stats"), "stats module frames");
        assertEquals(FRAMES, delta.get("ringswitch_module_frames_total", "module", "l2-learning"));
        assertEquals(1, delta.get("ringswitch_fdb_learned_total"), "one station learned");
        assertTrue(delta.rxDrops(IN).isEmpty(), () -> "rx drops: " + delta.rxDrops(IN));
        assertTrue(delta.txDrops(OUT).isEmpty(), () -> "tx drops: " + delta.txDrops(OUT));

        String text = scrapeText();
        assertTrue(text.contains("ringswitch_ring_capacity"), "ring series missing");
        assertTrue(text.contains("jvm_threads_current"), "JVM series missing");
        String check = promtoolCheck(text);
        assertEquals("", check, "promtool check metrics complained");
    }

    @Test
    void aRemovedPortsSeriesDisappear() throws Exception {
        String port = "rsi-m3";
        assertEquals(0, karaf.admin("ringswitch:port-add " + port).exitStatus());
        assertTrue(scrapeText().contains("port=\"" + port + "\""), "new port has no series");
        assertEquals(0, karaf.admin("ringswitch:port-remove " + port).exitStatus());
        assertFalse(scrapeText().contains("port=\"" + port + "\""), "removed port still scraped");
    }

    private Metrics awaitDelta(Metrics before, java.util.function.Predicate<Metrics> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Metrics delta = Metrics.scrape(karaf.metricsPort()).since(before);
        while (!done.test(delta) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            delta = Metrics.scrape(karaf.metricsPort()).since(before);
        }
        // Counters are published at batch ends: one more scrape after they reached the target catches any overshoot.
        TimeUnit.MILLISECONDS.sleep(500);
        return Metrics.scrape(karaf.metricsPort()).since(before);
    }

    private String scrapeText() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + karaf.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** @return what promtool printed about the text (empty when it is valid) */
    private static String promtoolCheck(String text) throws Exception {
        String promtool = NetworkNamespace.exec(false, "sh", "-c", "command -v promtool").strip();
        if (promtool.isEmpty()) {
            if (Privileges.isCi()) {
                throw new AssertionError("promtool missing: .ci/run installs the Debian package prometheus");
            }
            org.junit.jupiter.api.Assumptions.abort("promtool not installed (apt-get install prometheus)");
        }
        Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool hung");
        return p.exitValue() == 0 ? out : "exit " + p.exitValue() + ": " + out;
    }
}
