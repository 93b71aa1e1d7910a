package dev.ringswitch.itests;

import dev.ringswitch.itests.support.Appliance;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.Operator;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports persist as ConfigAdmin factory configurations in {@code etc/ringswitch.port-NAME.cfg}: they come back after a
 * restart with the same settings and carry traffic again, and creating, editing or deleting such a file (or
 * {@code config:edit}) reconfigures the running switch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortPersistenceTest {

    private static final Duration BOOT_PORTS = Duration.ofSeconds(60);
    /** The file dropped with a bad MTU: the only ERROR line the tests provoke. */
    private static final String BAD_PORT = "rsc-p4";

    private KarafInstance karaf;
    private Operator admin;

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("TAP ports and network namespaces");
        karaf = Appliance.start("port-persistence");
        admin = Operator.admin(karaf);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void portsComeBackAfterARestart_withTheirSettings_andCarryTrafficAgain() throws Exception {
        admin.ok("ringswitch:port-add rsc-p1 --mtu 1400 --mac 02:00:00:00:5d:01 --mode access --vlan 10");
        admin.ok("ringswitch:port-add rsc-p2 --mtu 1400 --mode access --vlan 10");
        NetworkNamespace h1 = null;
        NetworkNamespace h2 = null;
        try {
            List<String> p1 = settings("rsc-p1").orElseThrow();
            List<String> p2 = settings("rsc-p2").orElseThrow();
            assertEquals(List.of("rsc-p1", "up", "1400", "02:00:00:00:5d:01", "access 10"), p1);
            h1 = Appliance.host("rsc-ph1", "rsc-p1", "10.213.0.1/24");
            h2 = Appliance.host("rsc-ph2", "rsc-p2", "10.213.0.2/24");
            ping(h1);

            restart(false);
            assertFalse(h1.ip("link", "show").contains("rsc-p1"), "the TAP outlived the switch");
            awaitPorts("rsc-p1", "rsc-p2");
            assertEquals(p1, settings("rsc-p1").orElseThrow(), "rsc-p1 came back changed");
            assertEquals(p2, settings("rsc-p2").orElseThrow(), "rsc-p2 came back changed (a random MAC must stay)");
            String link = Appliance.link("rsc-p1");
            assertTrue(link.contains("mtu 1400") && link.contains("02:00:00:00:5d:01"), link);
            h1.adopt("rsc-p1", "10.213.0.1/24");
            h2.adopt("rsc-p2", "10.213.0.2/24");
            ping(h1);

            // Without ConfigAdmin's own store (data/ wiped), the files in etc/ alone bring the ports back.
            restart(true);
            awaitPorts("rsc-p1", "rsc-p2");
            assertEquals(p1, settings("rsc-p1").orElseThrow());
            assertEquals(p2, settings("rsc-p2").orElseThrow());
            h1.adopt("rsc-p1", "10.213.0.1/24");
            h2.adopt("rsc-p2", "10.213.0.2/24");
            ping(h1);
        } finally {
            admin.run("ringswitch:port-remove rsc-p1");
            admin.run("ringswitch:port-remove rsc-p2");
            Appliance.closeAll(h1, h2);
        }
        assertFalse(Files.exists(etc("ringswitch.port-rsc-p1.cfg")));
        List<String> errors = unexpectedErrors();
        assertTrue(errors.isEmpty(), () -> "ERROR lines:\n" + String.join("\n", errors));
    }

    @Test
    void aPortAddedIntoANamespace_isThereAgainAfterARestart() throws Exception {
        try (NetworkNamespace host = NetworkNamespace.create("rsc-pn")) {
            try {
                admin.ok("ringswitch:port-add rsc-p5 --netns rsc-pn --mtu 1400");
                assertTrue(host.ip("link", "show", "rsc-p5").contains("mtu 1400"));
                assertFalse(Appliance.linkExists("rsc-p5"), "created in the namespace, not here");
                Path file = etc("ringswitch.port-rsc-p5.cfg");
                Operator.await("the file names the namespace", Appliance.FILE_DELAY,
                        () -> Files.exists(file) && Appliance.read(file).contains("netns = rsc-pn"));

                restart(false);
                awaitPorts("rsc-p5");
                assertTrue(host.ip("link", "show", "rsc-p5").contains("mtu 1400"), "not back in its namespace");
                assertEquals("rsc-pn", Operator.row(admin.ok("ringswitch:port-list"), "rsc-p5").orElseThrow()
                        .getLast(), "port-list shows the namespace");
                assertFalse(Appliance.linkExists("rsc-p5"));
                try (NetworkNamespace other = NetworkNamespace.create("rsc-pm")) {
                    host.ip("link", "set", "rsc-p5", "netns", "rsc-pm");
                    assertEquals("rsc-pm", Operator.row(admin.ok("ringswitch:port-list"), "rsc-p5").orElseThrow()
                            .getLast(), "port-list shows where an operator moved the interface");
                    other.ip("link", "set", "rsc-p5", "netns", "rsc-pn");
                }

                String missing = admin.fails("ringswitch:port-add rsc-p6 --netns rsc-none");
                assertTrue(missing.contains("no network namespace rsc-none") && missing.contains("ip netns add"),
                        missing);
                assertTrue(settings("rsc-p6").isEmpty());
            } finally {
                admin.run("ringswitch:port-remove rsc-p5");
            }
            assertFalse(host.ip("link", "show").contains("rsc-p5"), "removing the port deletes its interface");
        }
    }

    @Test
    void filesAndConfigEdit_reconfigureTheRunningSwitch() throws Exception {
        Path file = etc("ringswitch.port-rsc-p3.cfg");
        try {
            Files.writeString(file, "# dropped by hand\nmtu = 1300\nmode = access\nvlan = 30\n");
            awaitSettings("rsc-p3", s -> s.get(2).equals("1300") && s.get(4).equals("access 30"));
            assertTrue(Appliance.link("rsc-p3").contains("mtu 1300"));
            Operator.await("the kernel's MAC is saved in the file", Appliance.FILE_DELAY,
                    () -> Appliance.read(file).contains("mac = "));
            assertTrue(Appliance.read(file).startsWith("# dropped by hand"), "the operator's comment was lost");

            Files.writeString(file, Appliance.read(file).replace("mtu = 1300", "mtu = 1200"));
            awaitSettings("rsc-p3", s -> s.get(2).equals("1200"));
            assertTrue(Appliance.link("rsc-p3").contains("mtu 1200"));

            admin.ok("config:edit ringswitch.port~rsc-p3; config:property-set vlan 31; config:update");
            awaitSettings("rsc-p3", s -> s.get(4).equals("access 31"));
            Operator.await("the file says vlan = 31", Appliance.FILE_DELAY,
                    () -> Appliance.read(file).contains("vlan = 31"));

            Files.delete(file);
            Operator.await("rsc-p3 is removed", Appliance.FILE_DELAY, () -> settings("rsc-p3").isEmpty());
            assertFalse(Appliance.linkExists("rsc-p3"));

            Files.writeString(file, "mtu = 1300\n");
            awaitSettings("rsc-p3", s -> s.get(2).equals("1300"));
            admin.ok("config:delete ringswitch.port~rsc-p3");
            Operator.await("rsc-p3 and its file are removed", Appliance.FILE_DELAY,
                    () -> settings("rsc-p3").isEmpty() && !Files.exists(file));

            Path bad = etc("ringswitch.port-" + BAD_PORT + ".cfg");
            Files.writeString(bad, "mtu = 10\n");
            String report = "ringswitch.port~" + BAD_PORT + " (etc/ringswitch.port-" + BAD_PORT + ".cfg): MTU 10 out"
                    + " of range";
            Operator.await("the bad file is reported", Appliance.FILE_DELAY, () -> log().contains(report));
            assertTrue(settings(BAD_PORT).isEmpty());
            assertFalse(Appliance.linkExists(BAD_PORT));
            Files.delete(bad);
        } finally {
            Files.deleteIfExists(file);
            admin.run("ringswitch:port-remove rsc-p3");
        }
    }

    /** Stops the instance (every TAP closes), optionally forgets ConfigAdmin's store, and starts it again. */
    private void restart(boolean wipeData) throws Exception {
        karaf.close();
        Path data = karaf.home().resolve("data");
        if (wipeData) {
            deleteTree(data);
        }
        // A warm start deploys no features, so the boot check is satisfied once the bundles are Active; the ports
        // may come a moment later, which the callers wait for.
        karaf.start();
    }

    private void awaitPorts(String... names) {
        Operator.await("ports " + List.of(names) + " are back", BOOT_PORTS,
                () -> Stream.of(names).allMatch(n -> settings(n).isPresent()));
    }

    private void awaitSettings(String name, Predicate<List<String>> wanted) {
        Operator.await(name + " has the wanted settings", Appliance.FILE_DELAY,
                () -> settings(name).filter(wanted).isPresent());
    }

    /** @return name, state, MTU, MAC and VLAN of a port from port-list, if the switch has it */
    private Optional<List<String>> settings(String name) {
        try {
            return Operator.row(admin.ok("ringswitch:port-list"), name)
                    .map(r -> List.of(r.get(0), r.get(3), r.get(4), r.get(5), r.get(7)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ping(NetworkNamespace from) {
        String out = from.run("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.213.0.2");
        assertTrue(out.contains("3 received"), out);
    }

    private Path etc(String file) {
        return karaf.home().resolve("etc").resolve(file);
    }

    private String log() {
        try {
            return karaf.karafLog();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> unexpectedErrors() throws IOException {
        return karaf.errorLines().stream().filter(l -> !l.contains(BAD_PORT)).toList();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
