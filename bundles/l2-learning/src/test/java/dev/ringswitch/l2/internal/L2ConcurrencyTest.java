package dev.ringswitch.l2.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.l2.internal.support.Datapath;
import dev.ringswitch.l2.internal.support.FakeClock;
import dev.ringswitch.l2.internal.support.TestPorts;
import dev.ringswitch.testkit.FakePortService;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Control reads and flushes on one thread while the datapath thread writes: no exception, and every read is a
 * snapshot taken at a batch boundary. Each batch moves station X from tap1 to tap2 and back, so a reader that could
 * see inside a batch would sooner or later find X on tap2.
 */
class L2ConcurrencyTest {

    private static final long X = 0x0200_0000_00AAL;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int READS = 2000;
    private static final int MIN_BATCHES_DURING_READS = 200;
    private static final int MAX_ENTRIES = 64;

    @Test
    void readsWhileWriting_seeOnlyWholeBatches() throws InterruptedException {
        FakePortService ports = TestPorts.taps(3);
        FakeClock clock = new FakeClock();
        L2LearningModule module = new L2LearningModule(ports, clock);
        module.activate(Configs.of(Map.of("maxEntries", MAX_ENTRIES)));
        Datapath datapath = new Datapath(module, 1, 2, 3);

        AtomicBoolean readerDone = new AtomicBoolean();
        AtomicLong batches = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch writerRunning = new CountDownLatch(1);

        Thread writer = new Thread(() -> {
            try {
                Frame away = datapath.frame(2, Datapath.mac(X), Datapath.mac(BROADCAST));
                Frame noise = datapath.frame(3, Datapath.mac(X), Datapath.mac(BROADCAST));
                Frame home = datapath.frame(1, Datapath.mac(X), Datapath.mac(BROADCAST));
                long source = 0x0200_0001_0000L;
                while (!readerDone.get()) {
                    datapath.rewrite(away, 2, X, BROADCAST);
                    datapath.rewrite(noise, 3, source++, BROADCAST);
                    datapath.rewrite(home, 1, X, BROADCAST);
                    clock.advanceMillis(10);
                    datapath.batch(away, noise, home);
                    batches.incrementAndGet();
                    writerRunning.countDown();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                writerRunning.countDown();
            }
        }, "rsl-datapath");

        Thread reader = new Thread(() -> {
            try {
                assertTrue(writerRunning.await(30, TimeUnit.SECONDS), "writer did not start");
                long start = batches.get();
                int reads = 0;
                while (reads < READS || batches.get() - start < MIN_BATCHES_DURING_READS) {
                    List<FdbEntry> entries = module.entries();
                    Set<String> keys = new HashSet<>();
                    for (FdbEntry e : entries) {
                        assertTrue(keys.add(e.vlan() + "/" + e.mac()), "duplicate " + e);
                        if (e.mac().equals(new MacAddress(X))) {
                            assertEquals("tap1", e.port(), "X seen in the middle of a batch");
                        }
                    }
                    assertTrue(entries.size() <= MAX_ENTRIES, "size " + entries.size());
                    FdbStats stats = module.stats();
                    assertEquals(stats.entries(), stats.entriesPerVlan().values().stream().mapToInt(i -> i).sum());
                    assertTrue(stats.entries() <= MAX_ENTRIES, "entries " + stats.entries());
                    if (reads % 100 == 0) {
                        module.flushPort("tap3");
                    }
                    reads++;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                readerDone.set(true);
            }
        }, "rsl-control");

        writer.start();
        reader.start();
        reader.join(TimeUnit.SECONDS.toMillis(60));
        readerDone.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(reader.isAlive() || writer.isAlive(), "threads did not finish");
        if (failure.get() != null) {
            throw new AssertionError("concurrent run failed", failure.get());
        }
        assertTrue(module.stats().moved() >= 2L * MIN_BATCHES_DURING_READS);
        assertNull(module.withTable(MacTable::checkInvariants));
        module.deactivate();
    }
}
