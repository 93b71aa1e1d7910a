package dev.ringswitch.stats.internal;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.stats.internal.support.CountingPortService;
import dev.ringswitch.stats.internal.support.FakeDatapath;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One writer thread counting as the datapath does, readers snapshotting meanwhile. */
class ConcurrentReadTest {

    private static final int FRAMES = 2_000_000;

    @Test
    void readsWhileCounting_neverGoBackAndEndExact() throws InterruptedException {
        CountingPortService ports = new CountingPortService();
        ports.add("rsm-a", 0);
        ports.add("rsm-b", 1);
        ports.add("rsm-c", 2);
        StatsModule stats = new StatsModule(ports, new FakeDatapath(), name -> KernelCounters.UNKNOWN);
        stats.activate();
        Frame f = FrameBuilder.ethernet().buildFrame(0);
        f.setVlan(10);
        f.egress().add(1);
        f.egress().add(2);

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < FRAMES; i++) {
                stats.process(f);
            }
            done.countDown();
        }, "rsm-writer");
        AtomicReference<String> failure = new AtomicReference<>();
        writer.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        long lastFrames = 0;
        int reads = 0;
        while (done.getCount() > 0 || reads == 0) {
            StatsSnapshot s = stats.totals();
            long frames = s.vlan(10).map(v -> v.frames()).orElse(0L);
            long bytes = s.vlan(10).map(v -> v.bytes()).orElse(0L);
            if (frames < lastFrames || bytes % 60 != 0) {
                failure.compareAndSet(null, "read " + frames + " frames after " + lastFrames + ", " + bytes
                        + " bytes");
            }
            lastFrames = frames;
            reads++;
        }
        writer.join(TimeUnit.SECONDS.toMillis(30));
        assertNull(failure.get());
        StatsSnapshot end = stats.totals();
        assertEquals(FRAMES, end.vlan(10).orElseThrow().frames());
        assertEquals(60L * FRAMES, end.vlan(10).orElseThrow().bytes());
        assertEquals(FRAMES, end.port("rsm-a").orElseThrow().flooded());
        stats.deactivate();
    }
}
