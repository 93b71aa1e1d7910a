package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traffic through the appliance between two namespace hosts on real TAP ports, while forwarding modules are
 * uninstalled, reinstalled and updated ({@code bundle:update}): every datagram arrives, the ports' fds stay open,
 * the core is never restarted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotDeployTrafficTest {

    private static final String PORT_1 = "rsi-p1";
    private static final String PORT_2 = "rsi-p2";
    private static final String H2_ADDRESS = "10.201.0.2";
    private static final List<String> CORE_BUNDLES = List.of("ringswitch-api", "ringswitch-tap",
            "ringswitch-datapath");

    private KarafInstance karaf;
    private NetworkNamespace h1;
    private NetworkNamespace h2;

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("switching between TAP ports in network namespaces");
        karaf = KarafInstance.prepare("traffic").start();
        for (String port : List.of(PORT_1, PORT_2)) {
            CommandResult add = karaf.admin("ringswitch:port-add " + port);
            assertEquals(0, add.exitStatus(), add::toString);
        }
        h1 = NetworkNamespace.create("rsi-h1");
        h2 = NetworkNamespace.create("rsi-h2");
        h1.adopt(PORT_1, "10.201.0.1/24");
        h2.adopt(PORT_2, H2_ADDRESS + "/24");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (h1 != null) {
                h1.close();
            }
            if (h2 != null) {
                h2.close();
            }
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    void pingCrossesTheSwitch() {
        String out = h1.run("ping", "-c", "3", "-i", "0.2", "-W", "2", H2_ADDRESS);
        assertTrue(out.contains("3 received"), out);
    }

    @Test
    void everyDatagramArrivesWhileModulesAreRedeployed() throws Exception {
        h1.run("ping", "-c", "1", "-W", "2", H2_ADDRESS);
        Set<String> fdsBefore = tapFds();
        assertEquals(2, fdsBefore.size(), "expected one /dev/net/tun fd per port: " + fdsBefore);
        String coreBefore = coreBundleLines();

        Path script = Path.of(getClass().getResource("/traffic/udp_stream.py").toURI());
        Path stopFile = karaf.home().resolve("stop-stream");
        Files.deleteIfExists(stopFile);
        Process receiver = h2.start("python3", script.toString(), "recv", "9000", "3");
        Process sender = null;
        try (BufferedReader recvOut = reader(receiver)) {
            assertEquals("ready", recvOut.readLine());
            sender = h1.start("python3", script.toString(), "send", H2_ADDRESS, "9000", "2000", stopFile.toString());
            for (int round = 0; round < 3; round++) {
                for (String feature : List.of("ringswitch-l2", "ringswitch-vlan", "ringswitch-stats")) {
                    CommandResult uninstall = karaf.admin("feature:uninstall " + feature);
                    assertEquals("", uninstall.all().strip(), uninstall::toString);
                }
                for (String feature : List.of("ringswitch-stats", "ringswitch-vlan", "ringswitch-l2")) {
                    CommandResult install = karaf.admin("feature:install " + feature);
                    assertEquals("", install.all().strip(), install::toString);
                }
                for (String module : List.of("ringswitch-l2-learning", "ringswitch-stats")) {
                    CommandResult update = karaf.admin("bundle:update " + bundleId(module));
                    assertEquals("", update.all().strip(), update::toString);
                }
            }
            Files.writeString(stopFile, "stop");
            String sent;
            try (BufferedReader sendOut = reader(sender)) {
                sent = sendOut.readLine();
            }
            assertTrue(sender.waitFor(30, TimeUnit.SECONDS), "sender did not stop");
            assertTrue(receiver.waitFor(30, TimeUnit.SECONDS), "receiver did not stop");
            String received = recvOut.readLine();
            Matcher s = Pattern.compile("sent (\\d+)").matcher(String.valueOf(sent));
            Matcher r = Pattern.compile("received (\\d+) missing (\\d+) duplicates (\\d+)")
                    .matcher(String.valueOf(received));
            assertTrue(s.matches(), "sender said: " + sent);
            assertTrue(r.matches(), "receiver said: " + received);
            long sentCount = Long.parseLong(s.group(1));
            assertTrue(sentCount > 1000, "too few datagrams sent to mean anything: " + sentCount);
            assertEquals(sentCount, Long.parseLong(r.group(1)), "datagrams lost: " + sent + " / " + received);
            assertEquals("0", r.group(3), "duplicates: " + received);
        } finally {
            Files.writeString(stopFile, "stop");
            if (sender != null) {
                sender.destroyForcibly();
            }
            receiver.destroyForcibly();
        }
        assertEquals(fdsBefore, tapFds(), "the ports' fds changed: a port was reopened");
        assertEquals(coreBefore, coreBundleLines(), "a core bundle was refreshed or restarted");
        LogAssertions.assertNoErrors(karaf);
    }

    private String bundleId(String symbolicName) throws Exception {
        CommandResult list = karaf.admin("bundle:list -t 0 -s");
        return list.out().lines().filter(l -> l.strip().endsWith("| " + symbolicName)).findFirst()
                .map(l -> l.split("\\|")[0].strip())
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " in\n" + list));
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** The Karaf JVM's fds open on /dev/net/tun, as "fd-number". */
    private Set<String> tapFds() throws IOException {
        long pid = karaf.javaPid();
        Set<String> fds = new TreeSet<>();
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) entries::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("/dev/net/tun")) {
                        fds.add(fd.getFileName().toString());
                    }
                } catch (IOException e) {
                    // closed while listing: not a port fd
                }
            }
        }
        return fds;
    }

    private String coreBundleLines() throws Exception {
        StringBuilder sb = new StringBuilder();
        karaf.admin("bundle:list -t 0 -s").out().lines()
                .filter(l -> CORE_BUNDLES.stream().anyMatch(l::contains))
                .forEach(l -> sb.append(l).append('\n'));
        assertFalse(sb.isEmpty(), "no core bundles listed");
        return sb.toString();
    }
}
