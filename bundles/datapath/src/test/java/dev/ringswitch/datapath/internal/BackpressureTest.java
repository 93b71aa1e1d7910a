package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code handOver = on}, a backlog is handed to the egress thread; a full ring stops the worker from reading
 * instead of growing (frames wait in the port's queue); frames to ports the egress thread has nothing pending for are
 * still written at once, and nothing overtakes an earlier frame to the same port.
 */
class BackpressureTest extends SwitchTestBase {

    private static final long SOURCE_0 = 0x0200_0000_0001L;
    private static final long SOURCE_1 = 0x0200_0000_0002L;

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * Two ports, a ring of 16 and a quantum of 4; the egress thread blocks on its first frame until {@link #release}.
     * A backlog of {@code frames} frames from port 0 is queued before the worker reads any of them, so every burst
     * fills its quantum and is handed over.
     */
    private void backlogFromPort0(int frames) throws InterruptedException {
        RingSettings d = RingSettings.DEFAULTS;
        fx = new SwitchFixture(new RingSettings(16, d.frameSize(), 4, 4, d.waitStrategy(), d.quiesceTimeoutMillis(),
                d.moduleFailureThreshold(), d.offloads(), HandOver.ON), 2, new InMemoryPortProvider(8192, 2048),
                () -> new FrameWriter() {
                    @Override
                    void write(FrameBuffer slot) {
                        if (entered.getCount() > 0) {
                            entered.countDown();
                            await(release);
                        }
                        super.write(slot);
                    }
                });
        // A module holds the worker on the first frame until all frames wait in the port's queue.
        CountDownLatch injected = new CountDownLatch(1);
        fx.datapath.addModule(new TestModule("gate", Band.OBSERVER, 0, f -> await(injected)) {
            @Override
            public void process(Frame frame) {
                if (processed.getAndIncrement() == 0) {
                    super.process(frame);
                }
            }
        }, "test/1");
        for (int seq = 0; seq < frames; seq++) {
            assertTrue(fx.host(0).inject(Traffic.frame(SOURCE_0, seq, 64)));
        }
        injected.countDown();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldStallTheWorkerWhenRingIsFullAndDeliverEverythingAfterwards() throws Exception {
        int frames = 200;
        backlogFromPort0(frames);
        Traffic.await("a publish stall", () -> fx.datapath.status().publishStalls() > 0, Duration.ofSeconds(10));
        assertTrue(fx.host(0).pendingIngress() > 0, "frames wait in the port queue, not in memory of ours");
        assertTrue(fx.datapath.status().ringOccupancy() <= 16);
        release.countDown();
        assertEquals(frames, fx.host(1).awaitEgress(frames, Duration.ofSeconds(10)).size());
        assertEquals(0, fx.host(0).injectDrops());
    }

    @Test
    void shouldWriteToOtherPortsAtOnceButNeverOvertakeAFrameToTheSamePort() throws Exception {
        int frames = 12;
        backlogFromPort0(frames);
        // The other direction: port 0 has nothing pending in the ring, so the worker writes it itself at once.
        assertTrue(fx.host(1).inject(Traffic.frame(SOURCE_1, 0, 64)));
        assertEquals(1, fx.host(0).awaitEgress(1, WAIT).size(), "written while the egress thread is blocked");
        // One more for port 1, read on its own: port 1 still has frames pending, so it queues behind them.
        long delivered = fx.host(1).egressFrames();
        assertTrue(fx.host(0).inject(Traffic.frame(SOURCE_0, frames, 64)));
        Traffic.await("the late frame read", () -> fx.host(0).pendingIngress() == 0, WAIT);
        assertEquals(delivered, fx.host(1).egressFrames(), "nothing for port 1 got past the blocked egress thread");
        release.countDown();
        List<byte[]> out = fx.host(1).awaitEgress(frames + 1, WAIT);
        for (int seq = 0; seq <= frames; seq++) {
            assertEquals(seq, Traffic.seq(out.get(seq)), "in order");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
