package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.JvmProbe;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
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
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What operators and crashes do to a switch carrying traffic: ports removed under traffic, the L2 module uninstalled
 * mid-stream, a port moved to another VLAN mid-stream, a thousand port add/remove cycles, and {@code kill -9} of the
 * appliance. Each has a defined outcome (see the README's "Failure behaviour"), checked here on real TAP ports between
 * namespace hosts, with the appliance's fds, threads, interfaces and saved configurations compared before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceTest {

    private static final List<String> HOSTED = List.of("rsr-p1", "rsr-p2", "rsr-p3", "rsr-p4");
    /** Stays in the root namespace, where the switch can change its MTU and address. */
    private static final String ROOT_PORT = "rsr-p5";
    private static final String CHURN_PORT = "rsr-churn";
    private static final int CHURN_CYCLES = 1000;
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
        admin("ringswitch:port-add --mtu 1400 --mac 02:52:53:55:55:55 --mode trunk --trunks 10,20 " + ROOT_PORT);
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
        LogAssertions.assertNoErrors(karaf);
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
        LogAssertions.assertNoErrors(karaf);
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
        LogAssertions.assertNoErrors(karaf);
    }

    @Test
    @Order(4)
    void aThousandPortAddRemoveCyclesLeakNothing() throws Exception {
        JvmProbe probe = new JvmProbe(karaf.javaPid());
        admin("ringswitch:port-add " + CHURN_PORT);
        admin("ringswitch:port-remove " + CHURN_PORT);
        // The metrics server starts a pool thread at its first request, and the test scrapes below: start it now,
        // so that the test also passes when it runs alone.
        Metrics.scrape(metricsPort);
        JvmProbe.Snapshot before = probe.snapshot();
        List<String> configsBefore = portConfigs();
        List<String> filesBefore = portFiles();
        String linksBefore = rootLinks();

        Path script = karaf.home().resolve("churn.script");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CHURN_CYCLES; i++) {
            // Every other cycle as a VLAN port: the VLAN and L2 modules rebuild their tables too.
            sb.append("ringswitch:port-add ").append(i % 2 == 0 ? "" : "--mode access --vlan 10 ")
                    .append(CHURN_PORT).append('\n');
            sb.append("ringswitch:port-remove ").append(CHURN_PORT).append('\n');
        }
        Files.writeString(script, sb);
        UdpStream stream = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9004, RATE);
        CommandResult churn;
        try {
            awaitRx("rsr-p1", 200);
            long addsBefore = countLog("port " + CHURN_PORT + ": added as port");
            churn = karaf.admin("shell:source " + script.toUri());
            assertEquals(CHURN_CYCLES, countLog("port " + CHURN_PORT + ": added as port") - addsBefore,
                    () -> "not every cycle ran: " + churn);
            UdpStream.Result r = stream.stop();
            assertEquals(0, r.lost(), "the stream on the other ports lost datagrams during the churn: " + r);
        } finally {
            stream.close();
        }
        assertEquals(0, churn.exitStatus(), churn::toString);
        assertFalse(churn.all().contains("Error"), churn::toString);

        JvmProbe.Snapshot after = probe.snapshot();
        assertEquals("", before.leaksTo(after), "fds or threads leaked");
        assertEquals(configsBefore, portConfigs(), "port configurations");
        assertEquals(rootLinks(), linksBefore, "interfaces in the root namespace");
        awaitEquals(filesBefore, this::portFiles, "port files in etc/");
        // FileInstall can race itself while the churn outruns its scans; the assertions above show nothing was lost.
        LogAssertions.assertNoErrorsBut(karaf, LogAssertions.fileInstallWriteBackRace(CHURN_PORT));
    }

    @Test
    @Order(5)
    void killMinus9WhileConfiguringBringsEveryPortBackWithItsSettings() throws Exception {
        String portsBefore = portSettings();
        Path script = karaf.home().resolve("reconfigure.script");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append("ringswitch:port-set --mtu ").append(i % 2 == 0 ? 1300 : 1400).append(' ').append(ROOT_PORT)
                    .append('\n');
        }
        Files.writeString(script, sb);
        UdpStream stream = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9005, RATE);
        try {
            awaitRx("rsr-p1", 200);
            CompletableFuture<CommandResult> reconfiguring = CompletableFuture.supplyAsync(() -> {
                try {
                    return karaf.admin("shell:source " + script.toUri());
                } catch (IOException e) {
                    // The kill below ends the session.
                    return null;
                }
            });
            // Kill while configuration is being written: once both MTUs have been seen, the loop is in full swing.
            awaitTrue(() -> portSettings().contains(ROOT_PORT + " 1300"), "port-set did not start");
            awaitTrue(() -> portSettings().contains(ROOT_PORT + " 1400"), "port-set did not go on");
            karaf.kill();
            reconfiguring.get(30, TimeUnit.SECONDS);
        } finally {
            stream.close();
        }
        // The worst a kill can leave, whether or not this one did: the file FileInstall was rewriting emptied, and
        // ConfigAdmin's own copy deleted before its replacement was renamed into place.
        Files.writeString(karaf.home().resolve("etc/ringswitch.port-" + ROOT_PORT + ".cfg"), "");
        try (Stream<Path> stored = Files.walk(karaf.home().resolve("data/cache"))) {
            for (Path p : stored.filter(p -> p.getFileName().toString().equals("port%007e" + ROOT_PORT + ".config"))
                    .toList()) {
                Files.delete(p);
            }
        }

        int logStart = karaf.karafLog().length();
        karaf.start();
        String portsAfter = portSettings();
        assertEquals(withoutMtu(portsBefore, ROOT_PORT), withoutMtu(portsAfter, ROOT_PORT),
                "ports and settings after the restart");
        assertTrue(portsAfter.contains(ROOT_PORT + " 1300") || portsAfter.contains(ROOT_PORT + " 1400"),
                "the MTU being changed is one of the two values written: " + portsAfter);

        awaitTrue(() -> {
            for (Path file : portFilePaths()) {
                if (!whole(file)) {
                    return false;
                }
            }
            return true;
        }, "port files whole again");
        adoptAll();
        UdpStream resumed = UdpStream.start(host(1), host(2), ip("rsr-p2"), 9006, RATE);
        try {
            awaitRx("rsr-p1", 1000);
            UdpStream.Result r = resumed.stop();
            assertEquals(0, r.lost(), "traffic after the restart: " + r);
        } finally {
            resumed.close();
        }
        List<String> log = LogAssertions.linesSince(karaf, logStart);
        List<String> errors = KarafInstance.errorEntries(String.join("\n", log));
        assertTrue(errors.isEmpty(), () -> "ERROR after the restart:\n" + String.join("\n", errors));
        assertTrue(log.stream().anyMatch(l -> l.contains("port " + ROOT_PORT + ": ") && l.contains("holds no settings")
                && l.contains("restored from")), "the emptied file was not restored from the switch's record");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private NetworkNamespace host(int n) {
        return hosts.get("rsr-p" + n);
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

    private long countLog(String text) throws IOException {
        return karaf.karafLog().lines().filter(l -> l.contains(text)).count();
    }

    /** @return the saved port configurations' PIDs */
    private List<String> portConfigs() throws Exception {
        return admin("config:list \"(service.factoryPid=ringswitch.port)\"").lines()
                .filter(l -> l.startsWith("Pid:")).map(l -> l.substring(4).strip()).sorted().toList();
    }

    private List<Path> portFilePaths() throws IOException {
        try (Stream<Path> files = Files.list(karaf.home().resolve("etc"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("ringswitch.port-")).sorted().toList();
        }
    }

    private static boolean whole(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        return p.containsKey("mtu") && p.containsKey("mac") && p.containsKey("up");
    }

    private List<String> portFiles() throws IOException {
        return portFilePaths().stream().map(p -> p.getFileName().toString()).toList();
    }

    private static String rootLinks() {
        return String.join(",", new TreeSet<>(NetworkNamespace.exec(true, "ip", "-o", "link", "show").lines()
                .map(l -> l.split(":")[1].strip()).filter(n -> n.startsWith("rsr-")).toList()));
    }

    /** @return each port as "name mtu mac vlan", one per line, from port-list */
    private String portSettings() throws Exception {
        List<String> rows = new ArrayList<>();
        for (String line : admin("ringswitch:port-list").lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length > 7 && cells[0].strip().startsWith("rsr-")) {
                rows.add(cells[0].strip() + " " + cells[4].strip() + " " + cells[5].strip() + " "
                        + cells[7].strip());
            }
        }
        return String.join("\n", rows);
    }

    private static String withoutMtu(String settings, String port) {
        return settings.replaceAll("(?m)^(" + port + ") \\d+ ", "$1 * ");
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

    private static <T> void awaitEquals(T expected, Supplier<T> actual, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        T last = actual.get();
        while (!expected.equals(last) && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            last = actual.get();
        }
        assertEquals(expected, last, what);
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    @FunctionalInterface
    private interface Supplier<T> {
        T get() throws Exception;
    }
}
