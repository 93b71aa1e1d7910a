package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Modules arrive and leave while frames flow: no frame is lost, none is handled by half a pipeline, and a module
 * is never called after its removal returned.
 */
class HotSwapTest extends SwitchTestBase {

    private static final int FRAMES = 200_000;
    private static final int SWAPS = 200;
    private static final long SOURCE = 0x0200_0000_0001L;

    /** Stamps a marker into the frame; its partner checks it, so a frame seen by only one of them is detected. */
    private static final class Pair {
        final AtomicLong halfHandled = new AtomicLong();
        final AtomicBoolean removed = new AtomicBoolean();
        final AtomicLong calledAfterRemoval = new AtomicLong();
        final TestModule stamp;
        final TestModule check;

        Pair(int round) {
            stamp = new TestModule("stamp", Band.ADVISOR, 0, f -> {
                touch();
                f.setPcp(7);
            });
            check = new TestModule("check", Band.OBSERVER, 0, f -> {
                touch();
                if (f.pcp() != 7) {
                    halfHandled.incrementAndGet();
                }
            });
        }

        private void touch() {
            if (removed.get()) {
                calledAfterRemoval.incrementAndGet();
            }
        }
    }

    @Test
    void shouldLoseNoFrameWhileModulesComeAndGo() throws Exception {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        InMemoryTapPort in = fx.host(0);
        InMemoryTapPort out = fx.host(1);
        AtomicLong outOfOrder = new AtomicLong();
        AtomicLong received = new AtomicLong();
        CompletableFuture<Long> receiver = CompletableFuture.supplyAsync(() -> {
            long expected = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (expected < FRAMES && System.nanoTime() - deadline < 0) {
                byte[] f = out.pollEgress();
                if (f == null) {
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                if (Traffic.seq(f) != expected) {
                    outOfOrder.incrementAndGet();
                }
                expected = Traffic.seq(f) + 1;
                received.incrementAndGet();
            }
            return expected;
        }, pool);
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (int seq = 0; seq < FRAMES; seq++) {
                Traffic.injectWindowed(in, received, seq, Traffic.frame(SOURCE, seq, 64));
            }
        }, pool);
        long halfHandled = 0;
        long lateCalls = 0;
        long moduleFrames = 0;
        int rounds = 0;
        for (int round = 0; round < SWAPS || !sender.isDone(); round++) {
            rounds++;
            Pair pair = new Pair(round);
            // The stamp must be in the pipeline whenever the check is: add it first, remove it last.
            fx.datapath.addModule(pair.stamp, "test/" + round);
            fx.datapath.addModule(pair.check, "test/" + round);
            fx.datapath.removeModule(pair.check);
            fx.datapath.removeModule(pair.stamp);
            pair.removed.set(true);
            assertEquals(pair.stamp.starts.get(), pair.stamp.stops.get(), "onStop balanced onStart");
            assertEquals(pair.check.starts.get(), pair.check.stops.get(), "onStop balanced onStart");
            halfHandled += pair.halfHandled.get();
            moduleFrames += pair.check.processed.get();
            lateCalls += pair.calledAfterRemoval.get();
        }
        sender.get(60, TimeUnit.SECONDS);
        assertEquals(FRAMES, receiver.get(60, TimeUnit.SECONDS), "every frame sent was received");
        assertEquals(0, outOfOrder.get(), "frames from one port stay in order");
        assertEquals(0, halfHandled, "no frame saw the check without the stamp");
        assertEquals(0, lateCalls, "no module call after its removal returned");
        assertEquals(FRAMES, fx.datapath.port("rsd1").orElseThrow().counters().txPackets());
        assertTrue(fx.datapath.modules().isEmpty());
        assertTrue(moduleFrames > 0 && moduleFrames < FRAMES, "swaps overlapped the traffic: " + moduleFrames
                + " frames through the modules in " + rounds + " rounds");
    }

    @Test
    void shouldUnbindPromptlyOnIdleSwitch() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        TestModule m = new TestModule("idle", Band.OBSERVER, 0, (Frame f) -> { });
        fx.datapath.addModule(m, "test/1");
        long start = System.nanoTime();
        fx.datapath.removeModule(m);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Not a timing assertion on speed: only that the barrier, not the 2 s timeout, ended the wait.
        assertTrue(millis < RingSettings.DEFAULT_QUIESCE_TIMEOUT_MILLIS, "removal took " + millis + " ms");
        assertEquals(1, m.starts.get());
        assertEquals(1, m.stops.get());
    }
}
