package dev.ringswitch.shell.internal;

import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.VlanStats;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.shell.internal.support.FakeDatapath;
import dev.ringswitch.shell.internal.support.FakeStats;
import dev.ringswitch.shell.internal.support.FakeVlans;
import dev.ringswitch.testkit.FakePortService;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListingCommandsTest {

    @Test
    void portList_showsSettingsAndCounters_asTableAndJson() throws Exception {
        FakePortService ports = new FakePortService();
        ports.add("rsc0", 0, VlanConfig.access(10));
        ports.setConfig("rsc0", ports.port("rsc0").orElseThrow().config().withMtu(1500)
                .withMac(MacAddress.parse("02:00:00:00:00:01")).withUp(false).withNetns("rsc-h0"));
        PortListCommand c = new PortListCommand();
        c.ports = ports;

        String table = Commands.run(c);
        String row = table.lines().filter(l -> l.startsWith("rsc0")).findFirst().orElseThrow(() -> new AssertionError(
                table));
        assertTrue(row.matches("rsc0\\s+\\|\\s+0\\s+\\|\\s+100\\s+\\|\\s+down\\s+\\|\\s+1500\\s+\\|"
                + "\\s+02:00:00:00:00:01"
                + "\\s+\\|\\s+-\\s+\\|\\s+access 10\\s+\\|\\s+0\\s+\\|\\s+0\\s+\\|\\s+0\\s+\\|\\s+default"
                + "\\s+\\|\\s+rsc-h0\\s*"), row);

        c.json = true;
        assertEquals("[{\"name\":\"rsc0\",\"number\":0,\"ifIndex\":100,\"state\":\"down\",\"mtu\":1500,"
                + "\"mac\":\"02:00:00:00:00:01\",\"address\":null,\"vlan\":\"access 10\",\"rxPackets\":0,"
                + "\"txPackets\":0,\"drops\":0,\"stormControl\":\"default\",\"netns\":\"rsc-h0\"}]\n",
                Commands.run(c));
    }

    @Test
    void portList_showsTheNamespaceTheInterfaceIsInNow() throws Exception {
        FakePortService ports = new FakePortService();
        ports.add("rsc0", 0);
        ports.add("rsc1", 1);
        ports.setConfig("rsc1", ports.port("rsc1").orElseThrow().config().withNetns("rsc-h1"));
        ports.moveTo("rsc0", "rsc-h0");
        ports.moveTo("rsc1", TapPort.OWN_NETNS);
        PortListCommand c = new PortListCommand();
        c.ports = ports;
        c.json = true;
        String json = Commands.run(c);
        assertTrue(json.contains("\"name\":\"rsc0\"") && json.contains("\"netns\":\"rsc-h0\"}"),
                "moved by hand: " + json);
        assertTrue(json.contains("\"netns\":null}"), "moved back into the appliance's namespace: " + json);
    }

    @Test
    void portList_stormLimit_isANumberInJson_offAndDefaultAreWords() throws Exception {
        FakePortService ports = new FakePortService();
        ports.add("rsc0", 0);
        ports.add("rsc1", 1);
        ports.add("rsc2", 2);
        ports.setConfig("rsc0", ports.port("rsc0").orElseThrow().config().withStormControlPps(5000));
        ports.setConfig("rsc1", ports.port("rsc1").orElseThrow().config().withStormControlPps(0));
        PortListCommand c = new PortListCommand();
        c.ports = ports;
        String table = Commands.run(c);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("rsc0") && l.matches(".*\\|\\s+5000\\s+\\|.*")), table);
        c.json = true;
        String json = Commands.run(c);
        assertTrue(json.contains("\"stormControl\":5000,"), json);
        assertTrue(json.contains("\"stormControl\":\"off\","), json);
        assertTrue(json.contains("\"stormControl\":\"default\","), json);
    }

    @Test
    void portList_noPorts_saysHowToAddOne() throws Exception {
        PortListCommand c = new PortListCommand();
        c.ports = new FakePortService();
        assertTrue(Commands.run(c).contains("No ports: add one with ringswitch:port-add NAME"));
        c.json = true;
        assertEquals("[]\n", Commands.run(c));
    }

    @Test
    void moduleList_showsThePipeline_andFiltersByName() throws Exception {
        FakeDatapath datapath = new FakeDatapath();
        datapath.add(new ModuleInfo("vlan", "ringswitch-vlan/0.1.0", Band.ADVISOR, 1, ModuleInfo.State.ACTIVE, 10, 2,
                0, 41.25));
        datapath.add(new ModuleInfo("l2-learning", "ringswitch-l2-learning/0.1.0", Band.DIRECTOR, 2,
                ModuleInfo.State.FAILED, 8, 8, 100, 12));
        ModuleListCommand c = new ModuleListCommand();
        c.datapath = datapath;

        String out = Commands.run(c);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*1 \\| vlan\\s+\\| advisor\\s+\\| ringswitch-vlan/0.1.0"
                + "\\s+\\| active\\s+\\|\\s+10 \\|\\s+2 \\|\\s+0 \\|\\s+41.3")), out);
        assertTrue(out.contains("failed"), out);

        c.name = "l2-learning";
        c.json = true;
        assertEquals("[{\"position\":2,\"name\":\"l2-learning\",\"band\":\"director\",\"bundle\":"
                + "\"ringswitch-l2-learning/0.1.0\",\"state\":\"failed\",\"frames\":8,\"drops\":8,\"exceptions\":100,"
                + "\"meanNanosPerFrame\":12.0}]\n", Commands.run(c));

        c.name = "nat";
        assertEquals("No such module nat: see ringswitch:module-list", Commands.fail(c));
    }

    @Test
    void status_showsRingThreadsAndUptime() throws Exception {
        FakeDatapath datapath = new FakeDatapath();
        datapath.status(new DatapathStatus(2, 1024, 3, 7, List.of("ringswitch-ingress", "ringswitch-worker"),
                ((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000L + 600, 1, 20_000, 212L << 20));
        StatusCommand c = new StatusCommand();
        c.datapath = datapath;
        String out = Commands.run(c);
        assertTrue(out.lines().anyMatch(l -> l.matches("Ring size\\s+\\| 1024")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("Threads\\s+\\| ringswitch-ingress, ringswitch-worker")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("Uptime\\s+\\| 2d 03:04:05")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("Worker CPU\\s+\\| 1 \\(bound\\)")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches(
                "Busy poll\\s+\\| 20000 us after a frame, while light traffic flows")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches(
                "Huge pages\\s+\\| 212 MiB of the JVM's anonymous memory, collapsed every 10 s")), out);
        c.json = true;
        assertEquals("{\"ports\":2,\"modules\":0,\"ringSize\":1024,\"ringOccupancy\":3,\"publishStalls\":7,"
                + "\"threads\":[\"ringswitch-ingress\",\"ringswitch-worker\"],\"workerCpu\":1,"
                + "\"busyPollMicros\":20000,\"hugePageBytes\":222298112,\"uptimeMillis\":183845600}\n",
                Commands.run(c));
        c.json = false;
        datapath.status(new DatapathStatus(2, 1024, 3, 7, List.of("ringswitch-worker"), 1000));
        String unbound = Commands.run(c);
        assertTrue(unbound.lines().anyMatch(l -> l.matches("Worker CPU\\s+\\| - \\(placed by the scheduler\\)")),
                unbound);
        assertTrue(unbound.lines().anyMatch(l -> l.matches("Busy poll\\s+\\| off")), unbound);
        assertTrue(unbound.lines().anyMatch(l -> l.matches("Huge pages\\s+\\| off")), unbound);
    }

    @Test
    void uptime_underADay_isAClock() {
        assertEquals("00:00:07", StatusCommand.uptime(7_999));
        assertEquals("1d 00:00:00", StatusCommand.uptime(86_400_000));
    }

    @Test
    void stats_allPortsAndVlans_andOnePortWithDropsByReason() throws Exception {
        FakeStats stats = new FakeStats();
        PortStats rsc0 = new PortStats("rsc0", 10, 1000, 20, 2000, Map.of(DropReason.RUNT, 2L, DropReason.MALFORMED,
                3L), Map.of(DropReason.LINK_DOWN, 1L), 4, 0, 1);
        PortStats since = new PortStats("rsc0", 110, 11000, 120, 12000, Map.of(), Map.of(), 5, 0, 1);
        stats.set(List.of(rsc0), List.of(new VlanStats(10, 9, 900)), List.of(since));
        StatsCommand c = new StatsCommand();
        c.stats = stats;

        String all = Commands.run(c);
        assertTrue(all.lines().anyMatch(l -> l.matches("rsc0\\s+\\|\\s+10 \\|\\s+1000 \\|\\s+20 \\|\\s+2000 \\|\\s+5"
                + " \\|\\s+1 \\|\\s+4 \\|\\s+1")), all);
        assertTrue(all.lines().anyMatch(l -> l.matches("\\s*10 \\|\\s+9 \\|\\s+900")), all);

        c.name = "rsc0";
        String one = Commands.run(c);
        assertTrue(one.lines().anyMatch(l -> l.matches("RX drops\\s+\\| 5 \\(runt 2, malformed 3\\)")), one);
        assertTrue(one.lines().anyMatch(l -> l.matches("TX drops\\s+\\| 1 \\(link_down 1\\)")), one);

        c.totals = true;
        assertTrue(Commands.run(c).lines().anyMatch(l -> l.matches("RX packets\\s+\\| 110")));

        c.json = true;
        c.totals = false;
        String json = Commands.run(c);
        assertTrue(json.startsWith("{\"port\":\"rsc0\",\"rxPackets\":10,\"rxBytes\":1000,\"txPackets\":20,"), json);
        assertTrue(json.contains("\"rxDrops\":{\"runt\":2,\"malformed\":3,"), json);

        c.name = "rsc9";
        assertEquals("No such port rsc9", Commands.fail(c));
    }

    @Test
    void statsClear_oneOrAll() throws Exception {
        FakeStats stats = new FakeStats();
        stats.set(List.of(new PortStats("rsc0", 0, 0, 0, 0, Map.of(), Map.of(), 0, 0, 0)), List.of(), List.of());
        StatsClearCommand c = new StatsClearCommand();
        c.stats = stats;
        Commands.run(c);
        c.name = "rsc0";
        Commands.run(c);
        c.name = "rsc9";
        assertEquals("No such port rsc9", Commands.fail(c));
        assertEquals(List.of("resetAll", "reset rsc0"), stats.calls());
    }

    @Test
    void vlanList_showsUntaggedAndTaggedPorts() throws Exception {
        FakeVlans vlans = new FakeVlans();
        vlans.add(new VlanInfo(10, List.of("rsc0", "rsc1"), List.of("rsc2"), 5));
        VlanListCommand c = new VlanListCommand();
        c.vlans = vlans;
        String out = Commands.run(c);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*10 \\| rsc0,rsc1\\s+\\| rsc2\\s+\\|\\s+5")), out);
        c.json = true;
        assertEquals("[{\"vlan\":10,\"untagged\":[\"rsc0\",\"rsc1\"],\"tagged\":[\"rsc2\"],\"frames\":5}]\n",
                Commands.run(c));
    }

    @Test
    void optionalModules_absent_failWithOneLineNamingTheFeature() {
        assertEquals("Statistics module is not installed; run feature:install ringswitch-stats",
                Commands.fail(new StatsCommand()));
        assertEquals("Statistics module is not installed; run feature:install ringswitch-stats",
                Commands.fail(new StatsClearCommand()));
        assertEquals("VLAN module is not installed; run feature:install ringswitch-vlan",
                Commands.fail(new VlanListCommand()));
        assertEquals("L2 learning module is not installed; run feature:install ringswitch-l2",
                Commands.fail(new FdbCommand()));
        assertEquals("L2 learning module is not installed; run feature:install ringswitch-l2",
                Commands.fail(new FdbFlushCommand()));
        assertEquals("L2 learning module is not installed; run feature:install ringswitch-l2",
                Commands.fail(new FdbAddCommand()));
        assertEquals("L2 learning module is not installed; run feature:install ringswitch-l2",
                Commands.fail(new FdbRemoveCommand()));
    }

    @Test
    void json_escapesAndTypes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", "x\"y\\z\n\u0001");
        value.put("b", Arrays.asList(1, 2.5, true, null));
        value.put("c", Double.NaN);
        assertEquals("{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"b\":[1,2.5,true,null],\"c\":null}",
                Json.write(value));
    }

    @Test
    void portConfigOf_defaultsAreShownAsDashes() throws Exception {
        FakePortService ports = new FakePortService();
        ports.add("rsc0", 0);
        ports.setConfig("rsc0", PortConfig.of("rsc0"));
        PortListCommand c = new PortListCommand();
        c.ports = ports;
        String row = Commands.run(c).lines().filter(l -> l.startsWith("rsc0")).findFirst().orElseThrow();
        assertTrue(row.contains("| up "), row);
        assertTrue(row.matches(".*\\|\\s+-\\s+\\|\\s+-\\s+\\|\\s+-\\s+\\|.*"), row);
    }
}
