package dev.ringswitch.shell.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;
import dev.ringswitch.shell.internal.support.FakePortAdmin;
import dev.ringswitch.testkit.FakePortService;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortCommandsTest {

    private final FakePortService ports = new FakePortService();
    private final FakePortAdmin admin = new FakePortAdmin(ports);

    private PortAddCommand add(String name) {
        PortAddCommand c = new PortAddCommand();
        c.admin = admin;
        c.name = name;
        return c;
    }

    private PortSetCommand set(String name) {
        PortSetCommand c = new PortSetCommand();
        c.ports = ports;
        c.admin = admin;
        c.name = name;
        return c;
    }

    private PortConfig config(String name) {
        return ports.port(name).orElseThrow().config();
    }

    @Test
    void portAdd_allOptions_passesOneCompleteConfig() throws Exception {
        PortAddCommand c = add("rsc0");
        c.mtu = 9000;
        c.mac = "02:00:00:00:00:01";
        c.address = "10.0.0.1/24";
        c.mode = "native-untagged";
        c.vlan = 10;
        c.trunks = "10,20-30";
        c.persistent = true;
        assertEquals("", Commands.run(c));
        assertEquals(List.of("add rsc0"), admin.calls());
        PortConfig added = config("rsc0");
        assertEquals(9000, added.mtu());
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), added.mac());
        assertEquals(Ipv4Prefix.parse("10.0.0.1/24"), added.ipv4());
        assertTrue(added.persistent());
        assertEquals(new VlanConfig(VlanMode.NATIVE_UNTAGGED, 10, VlanSet.parse("10,20-30")), added.vlan());
    }

    @Test
    void portAdd_pattern_printsTheNameTheKernelChose() throws Exception {
        assertEquals("Added port rsc0\n", Commands.run(add("rsc%d")));
    }

    @Test
    void portAdd_badInput_failsWithTheApiMessageBeforeCallingTheService() {
        PortAddCommand mac = add("rsc0");
        mac.mac = "02:00:00:00:00";
        assertEquals("invalid MAC address '02:00:00:00:00': expected six hex octets separated by ':', e.g."
                + " 02:00:00:00:00:01", Commands.fail(mac));

        PortAddCommand multicast = add("rsc0");
        multicast.mac = "01:00:5e:00:00:01";
        assertTrue(Commands.fail(multicast).startsWith("invalid MAC address 01:00:5e:00:00:01 for a port"));

        PortAddCommand mtu = add("rsc0");
        mtu.mtu = 70000;
        assertEquals("MTU 70000 out of range: expected 68..65521", Commands.fail(mtu));

        PortAddCommand vlan = add("rsc0");
        vlan.mode = "access";
        vlan.vlan = 4095;
        assertTrue(Commands.fail(vlan).startsWith("VLAN 4095 out of range: expected 1..4094"));

        PortAddCommand range = add("rsc0");
        range.mode = "trunk";
        range.trunks = "10,30-20";
        assertTrue(Commands.fail(range).startsWith("malformed VLAN range '30-20'"));

        PortAddCommand list = add("rsc0");
        list.mode = "trunk";
        list.trunks = "10,,20";
        assertTrue(Commands.fail(list).startsWith("malformed VLAN list '10,,20'"));

        PortAddCommand mode = add("rsc0");
        mode.mode = "hybrid";
        assertTrue(Commands.fail(mode).startsWith("invalid VLAN mode 'hybrid'"));

        PortAddCommand noMode = add("rsc0");
        noMode.vlan = 10;
        assertTrue(Commands.fail(noMode).startsWith("--vlan and --trunks need a mode"));

        PortAddCommand name = add("a-very-long-interface-name");
        assertTrue(Commands.fail(name).startsWith("invalid port name 'a-very-long-interface-name'"));

        PortAddCommand address = add("rsc0");
        address.address = "10.0.0.300/24";
        assertTrue(Commands.fail(address).startsWith("invalid IPv4 address '10.0.0.300/24'"));

        assertEquals(List.of(), admin.calls(), "the service was called with bad input");
    }

    @Test
    void portAdd_duplicate_failsWithTheServiceMessage() throws Exception {
        Commands.run(add("rsc0"));
        assertEquals("port rsc0 is already a switch port", Commands.fail(add("rsc0")));
    }

    @Test
    void portAdd_permissionDenied_printsTheApiMessage() {
        admin.failNextWith(new PortException.PermissionDenied("rsc0", "open(/dev/net/tun)", 1,
                "rsc0: open(/dev/net/tun) failed: EPERM (Operation not permitted): run as root or grant"
                        + " CAP_NET_ADMIN"));
        assertEquals("rsc0: open(/dev/net/tun) failed: EPERM (Operation not permitted): run as root or grant"
                + " CAP_NET_ADMIN", Commands.fail(add("rsc0")));
    }

    @Test
    void portRemove_unknown_failsWithNoSuchPort() throws Exception {
        PortRemoveCommand c = new PortRemoveCommand();
        c.admin = admin;
        c.name = "rsc9";
        assertEquals("No such port rsc9", Commands.fail(c));
        Commands.run(add("rsc9"));
        assertEquals("", Commands.run(c));
        assertTrue(ports.port("rsc9").isEmpty());
    }

    @Test
    void portSet_changesOnlyWhatTheOptionsName() throws Exception {
        PortAddCommand a = add("rsc0");
        a.mtu = 1400;
        a.mac = "02:00:00:00:00:01";
        a.mode = "access";
        a.vlan = 10;
        Commands.run(a);

        PortSetCommand down = set("rsc0");
        down.down = true;
        Commands.run(down);
        assertFalse(config("rsc0").up());
        assertEquals(1400, config("rsc0").mtu());
        assertEquals(VlanConfig.access(10), config("rsc0").vlan());

        PortSetCommand vlan = set("rsc0");
        vlan.vlan = 20;
        vlan.up = true;
        Commands.run(vlan);
        assertTrue(config("rsc0").up());
        assertEquals(VlanConfig.access(20), config("rsc0").vlan());
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), config("rsc0").mac());

        PortSetCommand address = set("rsc0");
        address.address = "10.0.0.1/24";
        Commands.run(address);
        assertEquals(Ipv4Prefix.parse("10.0.0.1/24"), config("rsc0").ipv4());
        address.address = "none";
        Commands.run(address);
        assertEquals(null, config("rsc0").ipv4());
    }

    @Test
    void portSet_badInput_failsWithOneLineAndChangesNothing() throws Exception {
        Commands.run(add("rsc0"));
        admin.calls().clear();

        assertEquals("No such port rsc9", Commands.fail(withMtu(set("rsc9"), 1400)));

        PortSetCommand both = set("rsc0");
        both.up = true;
        both.down = true;
        assertEquals("--up and --down contradict each other: give one", Commands.fail(both));

        assertTrue(Commands.fail(set("rsc0")).startsWith("nothing to change for port rsc0"));
        assertEquals("MTU 67 out of range: expected 68..65521", Commands.fail(withMtu(set("rsc0"), 67)));

        PortSetCommand vlan = set("rsc0");
        vlan.mode = "access";
        vlan.vlan = 0;
        assertTrue(Commands.fail(vlan).startsWith("VLAN 0 out of range"));

        assertEquals(List.of(), admin.calls());
    }

    @Test
    void portSet_stormControl_setsTheLimitTurnsItOffOrGivesTheSwitchDefaultBack() throws Exception {
        Commands.run(add("rsc0"));
        assertEquals(null, config("rsc0").stormControlPps(), "a new port has the switch-wide limit");

        PortSetCommand limit = set("rsc0");
        limit.stormControl = "500";
        Commands.run(limit);
        assertEquals(500, config("rsc0").stormControlPps());

        limit.stormControl = "0";
        Commands.run(limit);
        assertEquals(0, config("rsc0").stormControlPps(), "0 is no limit, not the default");

        limit.stormControl = "default";
        Commands.run(limit);
        assertEquals(null, config("rsc0").stormControlPps());
    }

    @Test
    void portSet_badStormControl_failsWithOneLineAndChangesNothing() throws Exception {
        Commands.run(add("rsc0"));
        admin.calls().clear();

        PortSetCommand word = set("rsc0");
        word.stormControl = "lots";
        assertEquals("--storm-control 'lots' is not a number of frames per second: give e.g. 1000, 0 for no limit,"
                + " or default for the switch-wide limit", Commands.fail(word));
        PortSetCommand negative = set("rsc0");
        negative.stormControl = "-1";
        assertEquals("storm-control limit -1 out of range: expected 0 (no limit) to 100000000 frames per second, or"
                + " default for the switch's", Commands.fail(negative));

        assertEquals(List.of(), admin.calls());
    }

    private static PortSetCommand withMtu(PortSetCommand c, int mtu) {
        c.mtu = mtu;
        return c;
    }
}
