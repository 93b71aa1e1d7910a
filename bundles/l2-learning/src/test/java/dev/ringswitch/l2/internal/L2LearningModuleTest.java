package dev.ringswitch.l2.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.l2.internal.support.Datapath;
import dev.ringswitch.l2.internal.support.FakeClock;
import dev.ringswitch.l2.internal.support.TestPorts;
import dev.ringswitch.testkit.FakePortService;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module as the datapath and the operator see it: frames in, egress decisions and drops out, and the
 * {@link FdbService} view of the table. Ports tap1..tap3 are numbers 1..3; the clock is fake.
 */
class L2LearningModuleTest {

    private static final String H1 = "02:00:00:00:00:01";
    private static final String H2 = "02:00:00:00:00:02";
    private static final String H3 = "02:00:00:00:00:03";
    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final String MULTICAST = "01:00:5e:00:00:fb";

    private final FakePortService ports = TestPorts.taps(3);
    private final FakeClock clock = new FakeClock();
    private final L2LearningModule module = new L2LearningModule(ports, clock);
    private final Datapath datapath = new Datapath(module, 1, 2, 3);

    @BeforeEach
    void setUp() {
        module.activate(Configs.defaults());
    }

    @AfterEach
    void tearDown() {
        module.deactivate();
        assertEquals(0, ports.listenerCount());
        assertNull(module.withTable(MacTable::checkInvariants));
    }

    @Test
    void identity_isTheL2DirectorWithOvsDefaults() {
        assertEquals("l2-learning", module.name());
        assertEquals(Band.DIRECTOR, module.band());
        FdbStats stats = module.stats();
        assertEquals(8192, stats.maxEntries());
        assertEquals(300, stats.agingSeconds());
        assertEquals(0, stats.entries());
    }

    @Test
    void process_unknownDestination_learnsSourceAndFloods() {
        Frame frame = datapath.send(1, H1, H2);
        assertFalse(frame.isDropped());
        assertEquals(2, frame.egress().size(), "flood set left as the datapath filled it");
        assertEquals(List.of(new FdbEntry(MacAddress.parse(H1), 0, "tap1", 0, false)), module.entries());
        assertEquals(1, module.stats().learned());
    }

    @Test
    void process_knownUnicast_goesOnlyToTheLearnedPort() {
        datapath.send(2, H2, BROADCAST);
        Frame frame = datapath.send(1, H1, H2);
        assertFalse(frame.isDropped());
        assertEquals(1, frame.egress().size());
        assertTrue(frame.egress().contains(2));
    }

    @Test
    void process_broadcastAndMulticast_flood() {
        datapath.send(2, H2, BROADCAST);
        datapath.send(3, H3, BROADCAST);
        Frame broadcast = datapath.send(1, H1, BROADCAST);
        Frame multicast = datapath.send(1, H1, MULTICAST);
        for (Frame frame : List.of(broadcast, multicast)) {
            assertFalse(frame.isDropped());
            assertTrue(frame.egress().contains(2) && frame.egress().contains(3));
            assertFalse(frame.egress().contains(1), "never back out of the ingress port");
        }
    }

    @Test
    void process_destinationOnIngressPort_isDroppedSamePort() {
        datapath.send(1, H2, BROADCAST);
        Frame frame = datapath.send(1, H1, H2);
        assertTrue(frame.isDropped());
        assertEquals(DropReason.SAME_PORT, frame.dropReason());
    }

    @Test
    void process_invalidSource_isDroppedCountedAndNotLearned() {
        for (String source : List.of(MULTICAST, BROADCAST, "00:00:00:00:00:00")) {
            Frame frame = datapath.send(1, source, H2);
            assertEquals(DropReason.INVALID_SOURCE, frame.dropReason(), source);
        }
        FdbStats stats = module.stats();
        assertEquals(3, stats.invalidSourceDrops());
        assertEquals(0, stats.entries());
    }

    @Test
    void process_frameDroppedEarlier_teachesNothing() {
        Frame frame = datapath.frame(1, H1, H2);
        frame.drop(DropReason.VLAN_NOT_ALLOWED);
        datapath.batch(frame);
        assertEquals(DropReason.VLAN_NOT_ALLOWED, frame.dropReason());
        assertEquals(0, module.stats().entries());
    }

    @Test
    void process_runt_isDropped() {
        Frame frame = FrameBuilder.frameOf(new byte[12], 1);
        datapath.batch(frame);
        assertEquals(DropReason.RUNT, frame.dropReason());
    }

    @Test
    void process_learnsPerVlan() {
        datapath.send(1, 10, H1, BROADCAST);
        Frame toVlan20 = datapath.send(2, 20, H2, H1);
        assertEquals(2, toVlan20.egress().size(), "H1 is unknown in VLAN 20: flood");
        assertEquals(Map.of(10, 1, 20, 1), module.stats().entriesPerVlan());
        assertEquals(1, module.entries(10, null).size());
        assertEquals("tap2", module.entries(20, null).get(0).port());
    }

    @Test
    void process_withoutBatchHooks_stillWorks() {
        datapath.send(2, H2, BROADCAST);
        Frame frame = datapath.frame(1, H1, H2);
        module.process(frame);
        assertEquals(1, frame.egress().size());
        assertTrue(frame.egress().contains(2));
    }

    @Test
    void aging_entryExpiresAfterAgingTimeWithoutTraffic() {
        datapath.send(1, H1, BROADCAST);
        clock.advanceSeconds(42);
        assertEquals(42, module.entries().get(0).ageSeconds());
        clock.advanceSeconds(257);
        assertEquals(1, module.entries().size());
        clock.advanceSeconds(1);
        assertEquals(List.of(), module.entries(), "expired while the datapath was idle");
        assertEquals(1, module.stats().expired());
        assertEquals(2, datapath.send(2, H2, H1).egress().size(), "unknown again: flood");
    }

    @Test
    void aging_trafficRefreshesTheEntry() {
        datapath.send(1, H1, BROADCAST);
        clock.advanceSeconds(200);
        datapath.send(1, H1, BROADCAST);
        clock.advanceSeconds(200);
        assertEquals(200, module.entries().get(0).ageSeconds());
        assertEquals(0, module.stats().expired());
    }

    @Test
    void modified_changesAgingAndLimitKeepingEntries() {
        datapath.send(1, H1, BROADCAST);
        module.addStatic(MacAddress.parse(H3), 0, "tap3");
        module.modified(Configs.of(Map.of("agingSeconds", 60, "maxEntries", 100)));
        FdbStats stats = module.stats();
        assertEquals(60, stats.agingSeconds());
        assertEquals(100, stats.maxEntries());
        assertEquals(2, stats.entries());
        assertEquals(1, stats.learned());
        clock.advanceSeconds(60);
        assertEquals(1, module.stats().entries());
    }

    @Test
    void activate_outOfRangeConfig_isClamped() {
        module.deactivate();
        module.activate(Configs.of(Map.of("agingSeconds", 100_000, "maxEntries", 5)));
        assertEquals(86_400, module.stats().agingSeconds());
        assertEquals(16, module.stats().maxEntries());
    }

    @Test
    void eviction_fullTableEvictsFromThePortHoldingTheMost() {
        module.modified(Configs.of(Map.of("maxEntries", 16)));
        datapath.send(1, H1, BROADCAST);
        datapath.send(2, H2, BROADCAST);
        for (int i = 0; i < 14; i++) {
            clock.advanceSeconds(1);
            datapath.send(3, Datapath.mac(0x0200_0000_1000L + i), BROADCAST);
        }
        clock.advanceSeconds(1);
        datapath.send(2, "02:00:00:00:00:22", BROADCAST);

        FdbStats stats = module.stats();
        assertEquals(16, stats.entries());
        assertEquals(1, stats.evicted());
        assertEquals(13, module.entries(FdbService.ANY_VLAN, "tap3").size());
        assertTrue(module.entries(FdbService.ANY_VLAN, "tap3").stream()
                .noneMatch(e -> e.mac().equals(MacAddress.parse("02:00:00:00:10:00"))), "tap3's oldest went");
        assertEquals(1, module.entries(FdbService.ANY_VLAN, "tap1").size(), "H1 is older but on a small port");
    }

    @Test
    void move_stationOnAnotherPortIsRelearnedAndCounted() {
        datapath.send(1, H1, BROADCAST);
        datapath.send(3, H1, BROADCAST);
        assertEquals("tap3", module.entries().get(0).port());
        assertEquals(1, module.stats().moved());
        Frame frame = datapath.send(2, H2, H1);
        assertTrue(frame.egress().contains(3) && frame.egress().size() == 1);
    }

    @Test
    void staticEntry_forwardsNeverAgesNorMovesAndSurvivesFlush() {
        module.addStatic(MacAddress.parse(H2), 0, "tap2");
        datapath.send(3, H2, BROADCAST);
        clock.advanceSeconds(100_000);
        module.flush();
        assertEquals(List.of(new FdbEntry(MacAddress.parse(H2), 0, "tap2", 0, true)), module.entries());
        Frame frame = datapath.send(1, H1, H2);
        assertTrue(frame.egress().contains(2) && frame.egress().size() == 1);
        assertEquals(1, module.stats().staticEntries());
        assertTrue(module.removeStatic(MacAddress.parse(H2), 0));
        assertFalse(module.removeStatic(MacAddress.parse(H2), 0));
    }

    @Test
    void errors_areLowercaseFactsWithTheFix() {
        IllegalArgumentException noPort = assertThrows(IllegalArgumentException.class,
                () -> module.flushPort("tap9"));
        assertEquals("no such port tap9: see port-list", noPort.getMessage());
        assertEquals("no such port tap9: see port-list", assertThrows(IllegalArgumentException.class,
                () -> module.entries(FdbService.ANY_VLAN, "tap9")).getMessage());
        assertEquals("VLAN 4095 out of range: expected 0..4094 (0 = no VLAN)",
                assertThrows(IllegalArgumentException.class, () -> module.flushVlan(4095)).getMessage());
        assertEquals("invalid static entry for 01:00:5e:00:00:fb: a station address must be unicast and not"
                        + " all-zero (first octet even)",
                assertThrows(IllegalArgumentException.class,
                        () -> module.addStatic(MacAddress.parse(MULTICAST), 0, "tap1")).getMessage());
    }

    @Test
    void flush_perPortPerVlanAndAll() {
        datapath.send(1, H1, BROADCAST);
        datapath.send(2, H2, BROADCAST);
        datapath.send(3, 30, H3, BROADCAST);

        assertEquals(1, module.flushVlan(30));
        assertEquals(0, module.entries(30, null).size());
        assertEquals(1, module.flushPort("tap1"));
        assertEquals(List.of("tap2"), portsInTable());
        assertEquals(1, module.flush());
        assertEquals(0, module.stats().entries());
    }

    @Test
    void flush_withIdleDatapath_takesEffectAtOnce() {
        datapath.send(2, H2, BROADCAST);
        // No batch runs after this point: the flush must not wait for one.
        assertEquals(1, module.flush());
        assertEquals(List.of(), module.entries());
        assertEquals(2, datapath.send(1, H1, H2).egress().size(), "H2 forgotten: flood");
    }

    @Test
    void portRemoved_flushesItsEntriesIncludingStatic() {
        datapath.send(1, H1, BROADCAST);
        datapath.send(2, H2, BROADCAST);
        module.addStatic(MacAddress.parse(H3), 0, "tap1");
        ports.remove("tap1");
        assertEquals(List.of("tap2"), portsInTable());
    }

    @Test
    void portVlanChanged_flushesItsLearnedEntries() {
        datapath.send(1, H1, BROADCAST);
        datapath.send(2, H2, BROADCAST);
        ports.setConfig("tap1", ports.port("tap1").orElseThrow().config().withMtu(9000));
        assertEquals(2, module.stats().entries(), "no VLAN change, no flush");
        ports.setVlan("tap1", VlanConfig.access(10));
        assertEquals(List.of("tap2"), portsInTable());
    }

    private List<String> portsInTable() {
        return module.entries().stream().map(FdbEntry::port).toList();
    }

    @Test
    void entries_areOrderedByVlanThenMac() {
        datapath.send(3, H3, BROADCAST);
        datapath.send(1, H1, BROADCAST);
        datapath.send(2, 5, H2, BROADCAST);
        assertEquals(List.of(H1, H3, H2), module.entries().stream().map(e -> e.mac().toString()).toList());
    }
}
