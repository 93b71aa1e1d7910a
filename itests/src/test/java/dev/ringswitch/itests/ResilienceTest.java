package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.JvmProbe;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.Metrics;
import dev.ringswitch.itests.support.UdpStream;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What operators do to a switch carrying traffic: ports removed under traffic, the L2 module uninstalled mid-stream,
 * a port moved to another VLAN mid-stream. Each has a defined outcome (see the README's "Failure behaviour"),
 * checked here on real TAP ports between namespace hosts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceTest {

    private static final List<String> HOSTED = List.of("rsr-p1", "rsr-p2", "rsr-p3", "rsr-p4");
    private static final int RATE = 2000;

    private KarafInstance karaf;
    private int metricsPort;
    private final Map<String, NetworkNamespace> hosts = new LinkedHashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("traffic between namespace hosts on TAP ports");
        karaf = KarafInstance.prepare("resilience");
        metricsPort = Metrics.usePrivatePort(karaf);
        karaf.start();
        for (String port : HOSTED) {
            admin("ringswitch:port-add " + port);
            hosts.put(port, NetworkNamespace.create("rsr-h" + port.substring(5)));
        }
        adoptAll();
    }

    private void adoptAll() {
        for (String port : HOSTED) {
            hosts.get(port).adopt(port, ip(port) + "/24");
        }
        // Everyone knows everyone: the streams below never wait for ARP.
        for (String port : HOSTED) {
            hosts.get("rsr-p1").run("ping", "-c", "1", "-W", "2", ip(port));
            hosts.get(port).run("ping", "-c", "1", "-W", "2", ip("rsr-p1"));
        }
    }

    private static String ip(String port) {
        return "10.77.0." + port.substring(5);
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            hosts.values().forEach(NetworkNamespace::close);
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    @Order(1)
    void removingAPortThatCarriesTrafficLeavesTheOtherPortsUntouched() throws Exception {
        JvmProbe probe = new JvmProbe(karaf.javaPid());
        int tunBefore = probe.fds().getOrDefault("/dev/net/tun", 0);
        UdpStream kept = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9000, RATE);
        UdpStream doomed = UdpStream.start(host(4), host(2), ip("rsr-p2"), 9001, RATE);
        try {
            awaitRx("rsr-p4", 500);
            admin("ringswitch:port-remove rsr-p4");
            awaitRx("rsr-p1", 1000);
            UdpStream.Result r = kept.stop();
            assertEquals(0, r.lost(), "the other stream lost datagrams: " + r);
            assertEquals(0, r.duplicates(), r.toString());
        } finally {
            kept.close();
            doomed.close();
        }
        assertFalse(admin("ringswitch:port-list").contains("rsr-p4"), "port still listed");
        assertFalse(NetworkNamespace.exec(false, "ip", "-n", "rsr-h4", "link", "show", "rsr-p4")
                .contains("rsr-p4:"), "the removed port's interface is still there");
        assertEquals(tunBefore - 1, probe.fds().getOrDefault("/dev/net/tun", 0), "the port's fd was not closed");
        assertNoErrors();
        admin("ringswitch:port-add rsr-p4");
        host(4).adopt("rsr-p4", ip("rsr-p4") + "/24");
    }

    @Test
    @Order(2)
    void uninstallingL2MidStreamFloodsLikeAHubAndLosesNothing() throws Exception {
        UdpStream stream = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9002, RATE);
        try {
            awaitRx("rsr-p1", 500);
            long learnedFlood = txGrowth("rsr-p3", "rsr-p1", 500);
            assertTrue(learnedFlood < 10, "with L2 learning, h1->h2 datagrams reached p3: " + learnedFlood);

            assertEquals("", karaf.admin("feature:uninstall ringswitch-l2").all().strip());
            assertFalse(admin("ringswitch:module-list").contains("l2-learning"));
            long hubFlood = txGrowth("rsr-p3", "rsr-p1", 500);
            assertTrue(hubFlood >= 490, "without L2 learning the switch floods every frame: " + hubFlood);
            CommandResult fdb = karaf.admin("ringswitch:fdb");
            assertNotEquals(0, fdb.exitStatus());
            assertTrue(fdb.all().contains("L2 learning module is not installed; run feature:install ringswitch-l2"),
                    fdb::toString);

            assertEquals("", karaf.admin("feature:install ringswitch-l2").all().strip());
            // The table starts empty: h2 is flooded to until it sends a frame.
            host(2).run("ping", "-c", "1", "-W", "2", ip("rsr-p1"));
            long relearned = txGrowth("rsr-p3", "rsr-p1", 500);
            assertTrue(relearned < 10, "after reinstalling, h1->h2 datagrams still reached p3: " + relearned);

            UdpStream.Result r = stream.stop();
            assertEquals(0, r.lost(), "datagrams lost across the uninstall: " + r);
        } finally {
            stream.close();
        }
        assertNoErrors();
    }

    @Test
    @Order(3)
    void changingAVlanModeMidStreamTakesEffectAtOnceAndNeverLeaksAcrossVlans() throws Exception {
        UdpStream stream = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9003, RATE);
        try {
            awaitRx("rsr-p1", 500);
            admin("ringswitch:port-set --mode access --vlan 10 rsr-p2");
            // p1 is still a plain port: its frames stay among the plain ports, never reach VLAN 10.
            long crossed = txGrowth("rsr-p2", "rsr-p1", 500);
            assertEquals(0, crossed, "frames crossed from the plain ports into VLAN 10");

            admin("ringswitch:port-set --mode access --vlan 10 rsr-p1");
            long joined = txGrowth("rsr-p2", "rsr-p1", 500);
            assertTrue(joined >= 490, "with both ports in VLAN 10 the stream flows again: " + joined);
            long leaked = txGrowth("rsr-p3", "rsr-p1", 500);
            assertEquals(0, leaked, "VLAN 10 frames reached plain port p3");

            admin("ringswitch:port-set --mode none rsr-p1");
            admin("ringswitch:port-set --mode none rsr-p2");
            UdpStream.Result r = stream.stop();
            assertTrue(r.received() > 0 && r.lost() > 0, "the gap while the VLANs differed: " + r);
            assertEquals(0, r.duplicates(), r.toString());
        } finally {
            stream.close();
        }
        assertTrue(admin("ringswitch:module-list").lines().filter(l -> l.contains(" | ")).skip(1)
                .allMatch(l -> l.contains("active")), "a module failed");
        assertNoErrors();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private NetworkNamespace host(int n) {
        return hosts.get("rsr-p" + n);
    }

    private void assertNoErrors() throws IOException {
        List<String> errors = karaf.errorLines();
        assertTrue(errors.isEmpty(), () -> "ERROR lines:\n" + String.join("\n", errors));
    }

    private String admin(String command) throws Exception {
        CommandResult r = karaf.admin(command);
        assertEquals(0, r.exitStatus(), r::toString);
        return r.out();
    }

    /** Waits until the port has read at least {@code frames} more frames than now. */
    private void awaitRx(String port, long frames) throws Exception {
        long start = Metrics.scrape(metricsPort).rx(port);
        awaitTrue(() -> Metrics.scrape(metricsPort).rx(port) - start >= frames, port + " did not receive "
                + frames + " frames");
    }

    /**
     * @return frames written to {@code port} while {@code source} read {@code window} frames
     */
    private long txGrowth(String port, String source, long window) throws Exception {
        Metrics start = Metrics.scrape(metricsPort);
        awaitRx(source, window);
        return Metrics.scrape(metricsPort).since(start).tx(port);
    }

    private static void awaitTrue(Check check, String message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.ok()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message);
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }
}
