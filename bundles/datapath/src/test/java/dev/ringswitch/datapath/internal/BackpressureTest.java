package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full ring stops ingress instead of growing: frames wait in the port's queue.
 */
class BackpressureTest extends SwitchTestBase {

    @Test
    void shouldStallIngressWhenRingIsFullAndDeliverEverythingAfterwards() throws Exception {
        RingSettings d = RingSettings.DEFAULTS;
        fx = new SwitchFixture(new RingSettings(16, d.frameSize(), 4, 4, d.waitStrategy(), d.quiesceTimeoutMillis(),
                d.moduleFailureThreshold()), 2);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fx.datapath.addModule(new TestModule("gate", Band.OBSERVER, 0, f -> {
            entered.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }) {
            @Override
            public void process(dev.ringswitch.api.module.Frame frame) {
                if (processed.getAndIncrement() == 0) {
                    super.process(frame);
                }
            }
        }, "test/1");
        int frames = 200;
        for (int seq = 0; seq < frames; seq++) {
            assertTrue(fx.host(0).inject(Traffic.frame(0x0200_0000_0001L, seq, 64)));
        }
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        Traffic.await("a publish stall", () -> fx.datapath.status().publishStalls() > 0, Duration.ofSeconds(10));
        assertTrue(fx.host(0).pendingIngress() > 0, "frames wait in the port queue, not in memory of ours");
        assertTrue(fx.datapath.status().ringOccupancy() <= 16);
        release.countDown();
        assertEquals(frames, fx.host(1).awaitEgress(frames, Duration.ofSeconds(10)).size());
        assertEquals(0, fx.host(0).injectDrops());
    }
}
