package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full ring stops the worker from reading instead of growing: frames wait in the port's queue.
 */
class BackpressureTest extends SwitchTestBase {

    @Test
    void shouldStallTheWorkerWhenRingIsFullAndDeliverEverythingAfterwards() throws Exception {
        RingSettings d = RingSettings.DEFAULTS;
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The egress thread blocks on its first frame: a backlog the worker hands over piles up in the ring.
        fx = new SwitchFixture(new RingSettings(16, d.frameSize(), 4, 4, d.waitStrategy(), d.quiesceTimeoutMillis(),
                d.moduleFailureThreshold()), 2, new InMemoryPortProvider(8192, 2048), () -> new FrameWriter() {
                    @Override
                    void write(FrameBuffer slot) {
                        if (entered.getCount() > 0) {
                            entered.countDown();
                            await(release);
                        }
                        super.write(slot);
                    }
                });
        // A module holds the worker on the first frame until all frames wait in the port's queue: then every read
        // burst fills its quantum, so the worker hands them over instead of writing them itself.
        CountDownLatch injected = new CountDownLatch(1);
        fx.datapath.addModule(new TestModule("gate", Band.OBSERVER, 0, f -> await(injected)) {
            @Override
            public void process(Frame frame) {
                if (processed.getAndIncrement() == 0) {
                    super.process(frame);
                }
            }
        }, "test/1");
        int frames = 200;
        for (int seq = 0; seq < frames; seq++) {
            assertTrue(fx.host(0).inject(Traffic.frame(0x0200_0000_0001L, seq, 64)));
        }
        injected.countDown();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        Traffic.await("a publish stall", () -> fx.datapath.status().publishStalls() > 0, Duration.ofSeconds(10));
        assertTrue(fx.host(0).pendingIngress() > 0, "frames wait in the port queue, not in memory of ours");
        assertTrue(fx.datapath.status().ringOccupancy() <= 16);
        release.countDown();
        assertEquals(frames, fx.host(1).awaitEgress(frames, Duration.ofSeconds(10)).size());
        assertEquals(0, fx.host(0).injectDrops());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
