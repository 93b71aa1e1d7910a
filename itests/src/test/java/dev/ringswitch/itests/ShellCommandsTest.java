package dev.ringswitch.itests;

import dev.ringswitch.itests.support.Appliance;
import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.Operator;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ringswitch:*} command over SSH against the running appliance, with real TAP ports: what it prints, its
 * errors (one line, non-zero exit, nothing changed), and who may run it.
 *
 * <p>Two ports, {@value #H1_PORT} and {@value #H2_PORT}, sit in network namespaces and carry pings; the other tests
 * add and remove their own ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellCommandsTest {

    private static final String H1_PORT = "rsc-s1";
    private static final String H2_PORT = "rsc-s2";
    private static final String H1_ADDRESS = "10.211.0.1";
    private static final String H2_ADDRESS = "10.211.0.2";

    private KarafInstance karaf;
    private Operator admin;
    private Operator viewer;
    private NetworkNamespace h1;
    private NetworkNamespace h2;

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("TAP ports and network namespaces");
        karaf = Appliance.start("shell-commands");
        admin = Operator.admin(karaf);
        viewer = Operator.viewer(karaf);
        admin.ok("ringswitch:port-add " + H1_PORT);
        admin.ok("ringswitch:port-add " + H2_PORT);
        h1 = Appliance.host("rsc-h1", H1_PORT, H1_ADDRESS + "/24");
        h2 = Appliance.host("rsc-h2", H2_PORT, H2_ADDRESS + "/24");
        // Permanent neighbours keep the hosts silent between pings. Otherwise h2 confirms h1's address with a
        // unicast ARP probe 5 s after a ping (delay_first_probe_time), and h1's reply relearns its MAC: if that lands
        // between fdb-flush and the fdb that follows, the flush looks undone.
        h1.ip("neigh", "replace", H2_ADDRESS, "lladdr", Appliance.macIn(h2, H2_PORT), "dev", H1_PORT, "nud", "permanent");
        h2.ip("neigh", "replace", H1_ADDRESS, "lladdr", Appliance.macIn(h1, H1_PORT), "dev", H2_PORT, "nud", "permanent");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            // The switch first: closing its fds removes the TAPs, rather than the TAPs vanishing under it.
            if (karaf != null) {
                karaf.close();
            }
        } finally {
            Appliance.closeAll(h1, h2);
            NetworkNamespace.exec(false, "ip", "link", "del", "rsc-dummy");
        }
    }

    private void ping() {
        String out = h1.run("ping", "-c", "3", "-i", "0.2", "-W", "2", H2_ADDRESS);
        assertTrue(out.contains("3 received"), out);
    }

    @Test
    void portAddListSetRemove_changeTheKernelInterface_andTheSavedConfiguration() throws Exception {
        // The name first and the options after it, as the issue writes it; and the Karaf way round.
        assertEquals("", admin.ok("ringswitch:port-add rsc-a --mtu 1400 --mac 02:00:00:00:5c:01 --address"
                + " 10.212.0.1/24 --mode native-untagged --vlan 10 --trunks 10,20-30"));
        assertEquals("", admin.ok("port-add --mtu 1280 rsc-b"));
        try {
            List<String> a = Operator.row(admin.ok("ringswitch:port-list"), "rsc-a").orElseThrow();
            assertEquals(List.of("rsc-a", "up", "1400", "02:00:00:00:5c:01", "10.212.0.1/24",
                    "native-untagged 10 trunks 10,20-30"), List.of(a.get(0), a.get(3), a.get(4), a.get(5), a.get(6),
                    a.get(7)), a::toString);
            assertEquals("default", a.get(11), "the storm-control limit of a new port: " + a);
            String link = Appliance.link("rsc-a");
            assertTrue(link.contains("mtu 1400") && link.contains("02:00:00:00:5c:01"), link);
            assertTrue(NetworkNamespace.exec(true, "ip", "-4", "addr", "show", "rsc-a").contains("10.212.0.1/24"));
            assertTrue(Files.isRegularFile(etc("ringswitch.port-rsc-a.cfg")));

            admin.ok("ringswitch:port-set rsc-a --down --mtu 1300 --mode access --vlan 20 --address none");
            List<String> set = Operator.row(admin.ok("port-list"), "rsc-a").orElseThrow();
            assertEquals(List.of("down", "1300", "-", "access 20"), List.of(set.get(3), set.get(4), set.get(6),
                    set.get(7)), set::toString);
            assertTrue(Appliance.link("rsc-a").contains("mtu 1300"));
            assertTrue(Appliance.link("rsc-a").contains("state DOWN"));
            // FileInstall writes the saved change into the file, asynchronously.
            Operator.await("the file says mtu = 1300", Appliance.FILE_DELAY, () -> Appliance.read(
                    etc("ringswitch.port-rsc-a.cfg")).contains("mtu = 1300"));

            admin.ok("ringswitch:port-set rsc-a --storm-control 500");
            assertEquals("500", Operator.row(admin.ok("port-list"), "rsc-a").orElseThrow().get(11));
            Operator.await("the file says stormControlPps = 500", Appliance.FILE_DELAY, () -> Appliance.read(
                    etc("ringswitch.port-rsc-a.cfg")).contains("stormControlPps = 500"));
            admin.ok("ringswitch:port-set rsc-a --storm-control 0");
            assertEquals("off", Operator.row(admin.ok("port-list"), "rsc-a").orElseThrow().get(11));

            String json = admin.ok("port-list --json");
            assertTrue(json.contains("{\"name\":\"rsc-b\",") && json.contains("\"mtu\":1280"), json);
        } finally {
            admin.run("ringswitch:port-remove rsc-a");
            admin.run("ringswitch:port-remove rsc-b");
        }
        assertFalse(Appliance.linkExists("rsc-a"), "the interface outlived port-remove");
        assertFalse(Files.exists(etc("ringswitch.port-rsc-a.cfg")), "the file outlived port-remove");
        assertTrue(Operator.row(admin.ok("port-list"), "rsc-a").isEmpty());
    }

    @Test
    void badInput_failsWithOneSpecificLine_andLeavesNoInterfaceNoConfiguration() throws Exception {
        String[][] cases = {
            {"port-add rsc-bad --mac 02:00:00:00:00", "invalid MAC address '02:00:00:00:00'"},
            {"port-add rsc-bad --mac 01:00:5e:00:00:01", "invalid MAC address 01:00:5e:00:00:01 for a port"},
            {"port-add rsc-bad --mode access --vlan 4095", "VLAN 4095 out of range: expected 1..4094"},
            {"port-add rsc-bad --mode access --vlan 0", "VLAN 0 out of range: expected 1..4094"},
            {"port-add rsc-bad --mode trunk --trunks 30-20", "malformed VLAN range '30-20'"},
            {"port-add rsc-bad --mode trunk --trunks 10,,20", "malformed VLAN list '10,,20'"},
            {"port-add rsc-bad --mode trunk --trunks 10,5000", "VLAN 5000 out of range"},
            {"port-add rsc-bad --mode hybrid", "invalid VLAN mode 'hybrid'"},
            {"port-add rsc-bad --vlan 10", "--vlan and --trunks need a mode"},
            {"port-add rsc-bad --mtu 67", "MTU 67 out of range: expected 68..65521"},
            {"port-add rsc-bad --mtu 70000", "MTU 70000 out of range: expected 68..65521"},
            {"port-add rsc-bad --mtu lots", "needs a whole number"},
            {"port-add rsc-bad --address 10.0.0.300/24", "invalid IPv4 address '10.0.0.300/24'"},
            {"port-add rsc-bad-name-too-long", "invalid port name 'rsc-bad-name-too-long'"},
            {"port-add " + H1_PORT, "port " + H1_PORT + " is already a switch port"},
            {"port-remove rsc-none", "No such port rsc-none"},
            {"port-set rsc-none --mtu 1400", "No such port rsc-none"},
            {"port-set " + H1_PORT, "nothing to change for port " + H1_PORT},
            {"port-set " + H1_PORT + " --up --down", "--up and --down contradict each other"},
            {"port-set " + H1_PORT + " --mtu 65522", "MTU 65522 out of range"},
            {"fdb --vlan 5000", "VLAN 5000 out of range"},
            {"fdb --port rsc-none", "no such port rsc-none"},
            {"fdb-add 02:00:00:00:00:zz --port " + H1_PORT, "invalid MAC address '02:00:00:00:00:zz'"},
            {"fdb-add 02:00:00:00:00:01 --vlan 4095 --port " + H1_PORT, "VLAN 4095 out of range"},
            {"fdb-add 02:00:00:00:00:01 --port rsc-none", "no such port rsc-none"},
            {"fdb-add 02:00:00:00:00:01", "--port is required"},
            {"fdb-remove 02:00:00:00:00:77", "no static entry for 02:00:00:00:00:77 in VLAN 0"},
            {"fdb-flush --vlan 1 --port " + H1_PORT, "give --vlan or --port, not both"},
            {"stats rsc-none", "No such port rsc-none"},
            {"stats-clear rsc-none", "rsc-none"},
            {"module-list nat", "No such module nat"},
        };
        for (String[] c : cases) {
            String line = admin.fails("ringswitch:" + c[0]);
            assertTrue(line.startsWith("Error executing command") && line.contains(c[1]),
                    () -> c[0] + " printed: " + line);
        }
        assertFalse(Appliance.linkExists("rsc-bad"), "a failed port-add left an interface");
        try (var files = Files.list(karaf.home().resolve("etc"))) {
            List<String> ports = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("ringswitch.port-")).sorted().toList();
            assertEquals(List.of("ringswitch.port-" + H1_PORT + ".cfg", "ringswitch.port-" + H2_PORT + ".cfg"), ports);
        }
    }

    @Test
    void portAddRefusedByTheKernel_leavesNoPortAndNoConfiguration() throws Exception {
        // A non-TAP interface of that name already exists: TUNSETIFF refuses it.
        NetworkNamespace.exec(true, "ip", "link", "add", "rsc-dummy", "type", "veth", "peer", "name", "rsc-dummy-p");
        String line = admin.fails("ringswitch:port-add rsc-dummy");
        assertTrue(line.contains("rsc-dummy"), line);
        assertTrue(Operator.row(admin.ok("port-list"), "rsc-dummy").isEmpty());
        assertFalse(Files.exists(etc("ringswitch.port-rsc-dummy.cfg")));
        assertFalse(admin.ok("config:list '(service.pid=ringswitch.port~rsc-dummy)'").contains("rsc-dummy"));
        assertTrue(Appliance.link("rsc-dummy").contains("rsc-dummy"), "the switch removed an interface not its own");
    }

    @Test
    void fdbCommands_showAddRemoveAndFlushEntries() throws Exception {
        ping();
        String h1Mac = Appliance.macIn(h1, H1_PORT);
        List<String> learned = Operator.row(admin.ok("ringswitch:fdb --port " + H1_PORT), H1_PORT).orElseThrow();
        assertEquals(List.of(h1Mac, "learned"), List.of(learned.get(2), learned.get(4)), learned::toString);
        String vlan = learned.get(1);

        admin.ok("ringswitch:fdb-add 02:00:00:00:5c:99 --vlan " + vlan + " --port " + H2_PORT);
        String pinned = admin.ok("fdb --vlan " + vlan + " --port " + H2_PORT);
        assertTrue(pinned.lines().anyMatch(l -> l.contains("02:00:00:00:5c:99") && l.contains("static")), pinned);

        String flushed = admin.ok("ringswitch:fdb-flush --port " + H1_PORT).strip();
        assertTrue(flushed.matches("[1-9][0-9]* entr(y|ies) flushed"), flushed);
        assertFalse(admin.ok("fdb --port " + H1_PORT).contains(h1Mac), "the flush left the learned entry");
        assertTrue(admin.ok("fdb").contains("02:00:00:00:5c:99"), "the flush removed a static entry");

        admin.ok("ringswitch:fdb-remove 02:00:00:00:5c:99 --vlan " + vlan);
        assertFalse(admin.ok("fdb").contains("02:00:00:00:5c:99"));
        assertTrue(admin.ok("fdb --json").startsWith("["));
        admin.ok("fdb-flush");
    }

    @Test
    void statsAndStatsClear_countThePings() throws Exception {
        ping();
        long before = rxPackets(admin.ok("ringswitch:stats " + H1_PORT));
        assertTrue(before >= 3, "RX packets " + before);
        assertTrue(Operator.row(admin.ok("ringswitch:stats"), H2_PORT).isPresent());
        admin.ok("ringswitch:stats-clear " + H1_PORT);
        long after = rxPackets(admin.ok("stats " + H1_PORT));
        assertTrue(after < before, "stats-clear left " + after + " of " + before);
        assertTrue(rxPackets(admin.ok("stats --totals " + H1_PORT)) >= before, "stats-clear reset the totals");
        assertTrue(admin.ok("stats " + H1_PORT + " --json").startsWith("{\"port\":\"" + H1_PORT + "\""));
        admin.ok("stats-clear");
    }

    private static long rxPackets(String fields) {
        return Long.parseLong(Operator.row(fields, "RX packets").orElseThrow(() -> new AssertionError(fields)).get(1));
    }

    @Test
    void moduleListAndStatus_showThePipelineAndTheRing() throws Exception {
        String modules = admin.ok("ringswitch:module-list");
        for (String m : List.of("vlan", "l2-learning", "stats")) {
            assertTrue(modules.lines().anyMatch(l -> l.contains("| " + m + " ") && l.contains("active")), modules);
        }
        assertTrue(admin.ok("module-list l2-learning").contains("director"));
        String status = admin.ok("ringswitch:status");
        assertEquals("2", Operator.row(status, "Ports").orElseThrow().get(1), status);
        // The ring size the shipped etc/ringswitch.datapath.cfg asks for.
        String ringSize = java.util.regex.Pattern.compile("(?m)^ringSize\\s*=\\s*(\\d+)")
                .matcher(java.nio.file.Files.readString(karaf.home().resolve("etc/ringswitch.datapath.cfg")))
                .results().findFirst().orElseThrow().group(1);
        assertEquals(ringSize, Operator.row(status, "Ring size").orElseThrow().get(1), status);
        assertTrue(Operator.row(status, "Threads").orElseThrow().get(1).contains("ringswitch-worker"), status);
        assertTrue(Operator.row(status, "Worker CPU").orElseThrow().get(1)
                .matches("- \\(placed by the scheduler\\)|\\d+ \\(bound\\)"), status);
        // busyPoll = auto (the shipped default): polls 20 ms after a frame on a virtual machine with two or more CPUs.
        boolean virtualMachine = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"))
                .lines().anyMatch(l -> l.startsWith("flags") && l.matches(".*\\bhypervisor\\b.*"));
        assertEquals(virtualMachine && Runtime.getRuntime().availableProcessors() >= 2
                ? "20000 us after a frame, while light traffic flows" : "off",
                Operator.row(status, "Busy poll").orElseThrow().get(1), status);
        // hugePages = auto: collapses where DAMON samples physical memory on a virtual machine, at once on start.
        String hugePages = Operator.row(status, "Huge pages").orElseThrow().get(1);
        if (virtualMachine && damonSamplesPhysicalMemory()) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(\\d+) MiB of the JVM's anonymous memory, collapsed every 10 s").matcher(hugePages);
            assertTrue(m.matches(), status);
            assertTrue(Long.parseLong(m.group(1)) > 0, status);
        } else {
            assertEquals("off", hugePages, status);
        }
        assertTrue(admin.ok("ringswitch:status --json").contains("\"ringSize\":" + ringSize));
    }

    /** @return whether a kdamond runs with a context on physical addresses, as DAMON's sysfs interface says */
    private static boolean damonSamplesPhysicalMemory() throws java.io.IOException {
        Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
        if (!Files.isDirectory(kdamonds)) {
            return false;
        }
        try (var all = Files.list(kdamonds)) {
            for (Path kdamond : all.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (!Files.readString(kdamond.resolve("state")).strip().equals("on")) {
                    continue;
                }
                try (var contexts = Files.list(kdamond.resolve("contexts"))) {
                    for (Path context : contexts.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                        if (Files.readString(context.resolve("operations")).strip().equals("paddr")) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    @Test
    void optionalModules_whenUninstalled_theirCommandsSayWhichFeatureToInstall() throws Exception {
        String[][] modules = {
            {"ringswitch-l2", "fdb", "L2 learning module is not installed; run feature:install ringswitch-l2",
                "l2-learning"},
            {"ringswitch-stats", "stats", "Statistics module is not installed; run feature:install ringswitch-stats",
                "stats"},
            {"ringswitch-vlan", "vlan-list", "VLAN module is not installed; run feature:install ringswitch-vlan",
                "vlan"},
        };
        for (String[] m : modules) {
            admin.ok("feature:uninstall " + m[0]);
            try {
                assertEquals("Error executing command: " + m[2], admin.fails("ringswitch:" + m[1]));
                assertFalse(admin.ok("module-list").contains("| " + m[3] + " "), "module-list still shows " + m[3]);
            } finally {
                admin.ok("feature:install " + m[0]);
            }
            admin.ok("ringswitch:" + m[1]);
            assertTrue(admin.ok("module-list").contains("| " + m[3] + " "), "module-list misses " + m[3]);
        }
        ping();
    }

    @Test
    void viewer_mayRunTheReadOnlyCommands_andIsRefusedTheOthers() throws Exception {
        for (String command : List.of("port-list", "fdb", "stats", "module-list", "status", "vlan-list",
                "port-list --json")) {
            viewer.ok("ringswitch:" + command);
        }
        String before = admin.ok("port-list");
        for (String command : List.of("port-add rsc-v", "port-remove " + H1_PORT, "port-set " + H1_PORT + " --down",
                "fdb-add 02:00:00:00:00:01 --port " + H1_PORT, "fdb-remove 02:00:00:00:00:01", "fdb-flush",
                "stats-clear")) {
            CommandResult r = viewer.run("ringswitch:" + command);
            assertTrue(r.exitStatus() != 0 && (r.all().contains("Command not found")
                    || r.all().contains("Insufficient credentials")), r::toString);
        }
        assertFalse(Appliance.linkExists("rsc-v"));
        assertEquals(stripCounters(before), stripCounters(admin.ok("port-list")), "the viewer changed a port");
    }

    /** @return the port table without its counter columns, which traffic moves */
    private static String stripCounters(String table) {
        StringBuilder sb = new StringBuilder();
        table.lines().forEach(l -> {
            String[] cells = l.split("\\|");
            sb.append(String.join("|", List.of(cells).subList(0, Math.min(8, cells.length)))).append('\n');
        });
        return sb.toString();
    }

    private Path etc(String file) {
        return karaf.home().resolve("etc").resolve(file);
    }
}
