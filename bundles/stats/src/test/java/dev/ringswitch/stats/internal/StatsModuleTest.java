package dev.ringswitch.stats.internal;

import dev.ringswitch.api.datapath.PortDropCounters;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import dev.ringswitch.stats.internal.support.CountingPortService;
import dev.ringswitch.stats.internal.support.FakeDatapath;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsModuleTest {

    private static final String UNICAST_B = "02:00:00:00:00:0b";

    private final CountingPortService ports = new CountingPortService();
    private final FakeDatapath datapath = new FakeDatapath();
    private final Map<String, Long> kernel = new ConcurrentHashMap<>();
    private StatsModule stats;

    @BeforeEach
    void setUp() {
        ports.add("rsm-a", 0);
        ports.add("rsm-b", 1);
        ports.add("rsm-c", 2);
        stats = new StatsModule(ports, datapath, name -> kernel.getOrDefault(name, KernelCounters.UNKNOWN));
        stats.activate();
    }

    @AfterEach
    void tearDown() {
        stats.deactivate();
    }

    private static Frame frame(FrameBuilder builder, int ingress, int vlan, int... egress) {
        Frame f = builder.buildFrame(ingress);
        f.setVlan(vlan);
        for (int p : egress) {
            f.egress().add(p);
        }
        return f;
    }

    private void send(Frame f, int times) {
        for (int i = 0; i < times; i++) {
            stats.process(f);
        }
    }

    private PortStats port(StatsSnapshot s, String name) {
        return s.port(name).orElseThrow();
    }

    @Test
    void module_isTheStatsObserver() {
        assertEquals("stats", stats.name());
        assertEquals(Band.OBSERVER, stats.band());
    }

    @Test
    void process_broadcastAndKnownUnicast_countsVlanAndFloodedExactly() {
        send(frame(FrameBuilder.ethernet(), 0, 0, 1, 2), 100);
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B).length(100), 2, 0, 1), 50);

        StatsSnapshot s = stats.totals();
        assertEquals(100, port(s, "rsm-a").flooded());
        assertEquals(0, port(s, "rsm-b").flooded());
        assertEquals(0, port(s, "rsm-c").flooded());
        assertEquals(List.of(new VlanStats(0, 150, 100 * 60 + 50 * 100)), s.vlans());
    }

    @Test
    void process_unknownUnicastToSeveralPorts_isFlooded() {
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B), 0, 0, 1, 2), 7);

        assertEquals(7, port(stats.totals(), "rsm-a").flooded());
    }

    @Test
    void process_multicastToOnePort_isFlooded() {
        send(frame(FrameBuilder.ethernet().destination("01:00:5e:00:00:01"), 1, 0, 0), 3);

        assertEquals(3, port(stats.totals(), "rsm-b").flooded());
    }

    @Test
    void process_egressHoldingTheIngressPort_countsOtherPortsOnly() {
        // A module may leave the ingress port in the set; the datapath never sends a frame back out of it.
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B), 0, 0, 0, 1), 4);
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B), 0, 0, 0), 6);

        StatsSnapshot s = stats.totals();
        assertEquals(0, port(s, "rsm-a").flooded());
        assertEquals(List.of(new VlanStats(0, 4, 4 * 60)), s.vlans());
    }

    @Test
    void process_droppedFrames_areNotSwitched() {
        Frame dropped = frame(FrameBuilder.ethernet(), 0, 10, 1, 2);
        dropped.drop(DropReason.VLAN_NOT_ALLOWED);
        send(dropped, 5);
        send(frame(FrameBuilder.ethernet(), 0, 10), 5);

        StatsSnapshot s = stats.totals();
        assertEquals(0, port(s, "rsm-a").flooded());
        assertEquals(List.of(), s.vlans());
    }

    @Test
    void process_classifiedFrames_countPerVlanWithTheirLength() {
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B).length(64), 0, 10, 1), 10);
        send(frame(FrameBuilder.ethernet().destination(UNICAST_B).length(1500), 0, 20, 1), 3);
        send(frame(FrameBuilder.ethernet().length(128), 1, 4094, 0, 2), 2);

        assertEquals(List.of(new VlanStats(10, 10, 640), new VlanStats(20, 3, 4500), new VlanStats(4094, 2, 256)),
                stats.totals().vlans());
        assertEquals(2, port(stats.totals(), "rsm-b").flooded());
    }

    @Test
    void totals_mergeDatapathCountersDropsAndKernelQueueDrops() {
        stats.deactivate();
        kernel.put("rsm-a", 5L);
        stats.activate();
        kernel.put("rsm-a", 12L);
        ports.setCounters("rsm-a", new PortCounters(100, 6400, 90, 5760, 4, 3));
        datapath.setDrops(new PortDropCounters("rsm-a", 0, Map.of(DropReason.RUNT, 1L, DropReason.NO_EGRESS, 3L),
                Map.of(DropReason.LINK_DOWN, 2L, DropReason.IO_ERROR, 1L), 0, 1));

        PortStats a = port(stats.totals(), "rsm-a");
        assertEquals(new PortStats("rsm-a", 100, 6400, 90, 5760,
                Map.of(DropReason.RUNT, 1L, DropReason.NO_EGRESS, 3L, DropReason.RING_FULL, 7L),
                Map.of(DropReason.LINK_DOWN, 2L, DropReason.IO_ERROR, 1L), 0, 0, 1), a);
        assertEquals(11, a.rxDropsTotal());
        assertEquals(3, a.txDropsTotal());
        assertEquals(0L, a.rxDrops().get(DropReason.VLAN_NOT_ALLOWED), "every rx reason is present");
        assertEquals(0L, port(stats.totals(), "rsm-b").rxDrops().get(DropReason.RING_FULL));
    }

    @Test
    void reset_port_startsItsSnapshotFromZeroAndLeavesTotals() {
        send(frame(FrameBuilder.ethernet(), 0, 0, 1, 2), 10);
        send(frame(FrameBuilder.ethernet(), 1, 0, 0, 2), 10);
        ports.setCounters("rsm-a", new PortCounters(10, 600, 10, 600, 0, 0));
        stats.reset("rsm-a");

        send(frame(FrameBuilder.ethernet(), 0, 0, 1, 2), 3);
        ports.setCounters("rsm-a", new PortCounters(13, 780, 10, 600, 0, 0));

        PortStats since = port(stats.snapshot(), "rsm-a");
        assertEquals(3, since.rxPackets());
        assertEquals(180, since.rxBytes());
        assertEquals(0, since.txPackets());
        assertEquals(3, since.flooded());
        assertEquals(10, port(stats.snapshot(), "rsm-b").flooded(), "other ports keep counting");
        assertEquals(13, port(stats.totals(), "rsm-a").flooded());
        assertEquals(13, port(stats.totals(), "rsm-a").rxPackets());
        assertEquals(23, stats.snapshot().vlan(0).orElseThrow().frames(), "a port reset leaves VLANs alone");
    }

    @Test
    void resetAll_startsPortsAndVlansFromZero() {
        send(frame(FrameBuilder.ethernet(), 0, 10, 1, 2), 10);
        stats.resetAll();

        assertEquals(0, port(stats.snapshot(), "rsm-a").flooded());
        assertEquals(List.of(), stats.snapshot().vlans());
        send(frame(FrameBuilder.ethernet(), 0, 10, 1, 2), 2);
        assertEquals(List.of(new VlanStats(10, 2, 120)), stats.snapshot().vlans());
        assertEquals(List.of(new VlanStats(10, 12, 720)), stats.totals().vlans());
    }

    @Test
    void reset_unknownPort_failsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stats.reset("rsm-x"));
        assertEquals("No such port rsm-x", e.getMessage());
    }

    @Test
    void removedPort_disappearsAndItsReusedNumberStartsFromZero() {
        send(frame(FrameBuilder.ethernet(), 0, 0, 1, 2), 10);
        stats.reset("rsm-a");
        ports.remove("rsm-a");
        assertTrue(stats.totals().port("rsm-a").isEmpty());

        ports.add("rsm-d", 0);
        assertEquals(0, port(stats.totals(), "rsm-d").flooded());
        send(frame(FrameBuilder.ethernet(), 0, 0, 1, 2), 4);
        assertEquals(4, port(stats.snapshot(), "rsm-d").flooded());

        ports.add("rsm-a", 3);
        assertEquals(0, port(stats.snapshot(), "rsm-a").flooded(), "a re-added name has no stale reset");
    }

    @Test
    void deactivate_stopsListening() {
        assertEquals(1, ports.listenerCount());
        stats.deactivate();
        assertEquals(0, ports.listenerCount());
        stats.activate();
    }

    @Test
    void process_allocatesNothing() {
        Frame f = frame(FrameBuilder.ethernet(), 0, 10, 1, 2);
        send(f, 200_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(id);
        send(f, 1_000_000);
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        // The measurement itself may allocate a few bytes; a per-frame allocation would be megabytes.
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes for 1,000,000 frames");
    }
}
