package dev.ringswitch.l2.internal;

import com.sun.management.ThreadMXBean;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.l2.internal.support.Datapath;
import dev.ringswitch.l2.internal.support.FakeClock;
import dev.ringswitch.l2.internal.support.TestPorts;
import dev.ringswitch.testkit.FakePortService;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A MAC flood: 100,000 frames with random source MACs on one port, interleaved with a conversation between two
 * legitimate hosts on other ports. The table must stay at its limit without growing, the datapath must not
 * allocate, and the hosts' frames must keep going out as unicast to the right port.
 */
class L2FloodTest {

    private static final int FLOOD_FRAMES = 100_000;
    private static final int WARM_UP_FRAMES = 20_000;
    private static final int BATCH = 64;
    private static final int LEGIT_EVERY = 16;
    private static final long H1 = 0x0200_0000_0001L;
    private static final long H2 = 0x0200_0000_0002L;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** Well above zero, well below one allocated object per frame (16+ bytes each). */
    private static final long ALLOCATION_BUDGET_BYTES = 256 * 1024;

    @Test
    void flood_tableStaysAtLimitAndLegitimateTrafficStaysUnicast() {
        FakePortService ports = TestPorts.taps(3);
        FakeClock clock = new FakeClock();
        L2LearningModule module = new L2LearningModule(ports, clock);
        module.activate(Configs.defaults());
        Datapath datapath = new Datapath(module, 1, 2, 3);

        // The two hosts introduce themselves.
        datapath.send(1, Datapath.mac(H1), Datapath.mac(BROADCAST));
        datapath.send(2, Datapath.mac(H2), Datapath.mac(BROADCAST));
        int capacity = module.withTable(MacTable::capacity);

        SplittableRandom random = new SplittableRandom(7);
        long[] sources = new long[FLOOD_FRAMES];
        for (int i = 0; i < FLOOD_FRAMES; i++) {
            // Unicast (group bit clear), never zero.
            sources[i] = (random.nextLong() & 0xFEFF_FFFF_FFFFL) | 0x0000_0000_0100L;
        }
        Frame[] ring = new Frame[BATCH];
        for (int i = 0; i < BATCH; i++) {
            ring[i] = datapath.frame(3, Datapath.mac(H1), Datapath.mac(BROADCAST));
        }

        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long legitimate = 0;
        long unicast = 0;
        long allocatedBefore = -1;
        int measuredFrom = 0;
        int next = 0;
        while (next < FLOOD_FRAMES) {
            if (allocatedBefore < 0 && next >= WARM_UP_FRAMES) {
                // Warmed up: the JIT has compiled the path, so what is allocated from here on is the code's own.
                allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                measuredFrom = next;
            }
            int n = 0;
            for (; n < BATCH && next < FLOOD_FRAMES; n++) {
                if (n % LEGIT_EVERY == 0) {
                    boolean forth = (n / LEGIT_EVERY) % 2 == 0;
                    datapath.rewrite(ring[n], forth ? 1 : 2, forth ? H1 : H2, forth ? H2 : H1);
                } else {
                    datapath.rewrite(ring[n], 3, sources[next++], BROADCAST);
                }
                clock.advanceMillis(1);
            }
            module.onBatchStart();
            for (int i = 0; i < n; i++) {
                module.process(ring[i]);
            }
            module.onBatchEnd();
            for (int i = 0; i < n; i += LEGIT_EVERY) {
                Frame frame = ring[i];
                int expected = frame.ingressPort() == 1 ? 2 : 1;
                legitimate++;
                if (!frame.isDropped() && frame.egress().size() == 1 && frame.egress().contains(expected)) {
                    unicast++;
                }
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        assertTrue(legitimate > FLOOD_FRAMES / LEGIT_EVERY, "legitimate frames sent: " + legitimate);
        assertEquals(legitimate, unicast, "every legitimate frame went out as unicast to its one port");
        FdbStats stats = module.stats();
        assertEquals(8192, stats.entries(), "the table sits at its limit");
        assertEquals(stats.learned() - stats.evicted(), stats.entries());
        assertTrue(stats.evicted() >= FLOOD_FRAMES - 8192 - 10, "evicted " + stats.evicted());
        assertEquals(capacity, module.withTable(MacTable::capacity).intValue(), "the entry pool never grows");
        assertEquals(8190, module.withTable(t -> t.learnedOn(3)).intValue(), "the flooding port holds the rest");
        assertTrue(allocated < ALLOCATION_BUDGET_BYTES, "datapath allocated " + allocated + " bytes for "
                + (FLOOD_FRAMES - measuredFrom) + " flood frames");
        assertNull(module.withTable(MacTable::checkInvariants));
        assertFalse(module.entries().isEmpty());
        System.out.printf("flood: %d frames, %d legitimate all unicast, %d evicted, %d bytes allocated%n",
                FLOOD_FRAMES, legitimate, stats.evicted(), allocated);
        module.deactivate();
    }
}
