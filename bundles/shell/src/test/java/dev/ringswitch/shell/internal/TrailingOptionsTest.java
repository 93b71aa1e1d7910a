package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.shell.internal.support.FakeDatapath;
import dev.ringswitch.shell.internal.support.FakeFdb;
import dev.ringswitch.shell.internal.support.FakePortAdmin;
import dev.ringswitch.testkit.FakePortService;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrailingOptionsTest {

    private final FakePortService ports = new FakePortService();
    private final FakePortAdmin admin = new FakePortAdmin(ports);

    private PortAddCommand add(String name, String... more) {
        PortAddCommand c = new PortAddCommand();
        c.admin = admin;
        c.name = name;
        c.more = List.of(more);
        return c;
    }

    @Test
    void optionsAfterTheName_areAppliedAsIfBefore() throws Exception {
        Commands.run(add("rsc0", "--mtu", "1400", "--mode=access", "--vlan", "10", "--persistent"));
        PortConfig c = ports.port("rsc0").orElseThrow().config();
        assertEquals(1400, c.mtu());
        assertEquals(VlanConfig.access(10), c.vlan());
        assertTrue(c.persistent());
    }

    @Test
    void badTrailingOptions_failWithOneLine_beforeTheServiceIsCalled() {
        assertEquals("undefined option --speed: see --help", Commands.fail(add("rsc0", "--speed", "10")));
        assertEquals("missing value for option --mtu", Commands.fail(add("rsc0", "--mtu")));
        assertEquals("option --mtu needs a whole number, not 'big'", Commands.fail(add("rsc0", "--mtu", "big")));
        assertEquals("too many arguments: 'rsc1' is not an option", Commands.fail(add("rsc0", "rsc1")));
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void fdbAdd_asTheIssueWritesIt() throws Exception {
        FakeFdb fdb = new FakeFdb();
        FdbAddCommand c = new FdbAddCommand();
        c.fdb = fdb;
        c.mac = "02:00:00:00:00:01";
        c.more = List.of("--vlan", "10");
        assertEquals("--port is required: the port the station sits behind", Commands.fail(c));
        c.more = List.of("--vlan", "10", "--port", "rsc0");
        Commands.run(c);
        assertEquals(List.of("addStatic 02:00:00:00:00:01 10 rsc0"), fdb.calls());
    }

    @Test
    void listingAfterTheName_takesJson() throws Exception {
        ModuleListCommand c = new ModuleListCommand();
        c.datapath = new FakeDatapath();
        c.more = List.of("--json");
        assertEquals("[]\n", Commands.run(c));
    }
}
