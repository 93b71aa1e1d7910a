package dev.ringswitch.shell.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.shell.internal.support.FakeFdb;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FdbCommandsTest {

    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");

    private final FakeFdb fdb = new FakeFdb();

    @Test
    void fdb_showsEntries_filteredByVlanAndPort() throws Exception {
        fdb.put(new FdbEntry(A, 10, "rsc0", 12, false));
        fdb.put(new FdbEntry(B, 20, "rsc1", 0, true));
        FdbCommand c = new FdbCommand();
        c.fdb = fdb;
        String all = Commands.run(c);
        assertTrue(all.lines().anyMatch(l -> l.matches(
                "rsc0\\s+\\|\\s+10 \\| 02:00:00:00:00:0a \\|\\s+12 \\| learned")),
                all);
        assertTrue(all.lines().anyMatch(l -> l.matches("rsc1\\s+\\|\\s+20 \\| 02:00:00:00:00:0b \\|\\s+- \\| static")),
                all);

        c.vlan = 20;
        c.port = "rsc1";
        c.json = true;
        assertEquals("[{\"port\":\"rsc1\",\"vlan\":20,\"mac\":\"02:00:00:00:00:0b\",\"ageSeconds\":null,"
                + "\"type\":\"static\"}]\n", Commands.run(c));
        assertEquals(List.of("entries " + FdbService.ANY_VLAN + " null", "entries 20 rsc1"), fdb.calls());
    }

    @Test
    void fdbFlush_byVlanPortOrAll_reportsTheCount() throws Exception {
        fdb.put(new FdbEntry(A, 10, "rsc0", 1, false));
        fdb.put(new FdbEntry(B, 10, "rsc1", 0, true));
        FdbFlushCommand c = new FdbFlushCommand();
        c.fdb = fdb;
        c.vlan = 10;
        assertEquals("1 entry flushed\n", Commands.run(c));
        c.vlan = null;
        c.port = "rsc0";
        assertEquals("0 entries flushed\n", Commands.run(c));
        c.port = null;
        assertEquals("0 entries flushed\n", Commands.run(c));
        c.vlan = 10;
        c.port = "rsc0";
        assertEquals("give --vlan or --port, not both", Commands.fail(c));
        assertEquals(List.of("flushVlan 10", "flushPort rsc0", "flush"), fdb.calls());
    }

    @Test
    void fdbAddAndRemove_staticEntries() throws Exception {
        FdbAddCommand add = new FdbAddCommand();
        add.fdb = fdb;
        add.mac = "02:00:00:00:00:0A";
        add.vlan = 10;
        add.port = "rsc0";
        assertEquals("", Commands.run(add));

        FdbRemoveCommand remove = new FdbRemoveCommand();
        remove.fdb = fdb;
        remove.mac = "02-00-00-00-00-0a";
        remove.vlan = 10;
        assertEquals("", Commands.run(remove));
        assertEquals("no static entry for 02:00:00:00:00:0a in VLAN 10: see ringswitch:fdb", Commands.fail(remove));
        assertEquals(List.of("addStatic 02:00:00:00:00:0a 10 rsc0", "removeStatic 02:00:00:00:00:0a 10",
                "removeStatic 02:00:00:00:00:0a 10"), fdb.calls());
    }

    @Test
    void fdbAdd_invalidMac_failsBeforeCallingTheService() {
        FdbAddCommand add = new FdbAddCommand();
        add.fdb = fdb;
        add.mac = "02:00:00:00:00:zz";
        add.port = "rsc0";
        assertTrue(Commands.fail(add).startsWith("invalid MAC address '02:00:00:00:00:zz'"));
        assertEquals(List.of(), fdb.calls());
    }
}
