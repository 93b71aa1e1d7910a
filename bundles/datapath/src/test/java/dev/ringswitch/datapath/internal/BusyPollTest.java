package dev.ringswitch.datapath.internal;

import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code busyPoll}: while light traffic flows the worker polls its ports after a frame instead of sleeping in the
 * selector, for as long as the setting says, and then sleeps again (see {@link BusyPoll}).
 */
class BusyPollTest extends SwitchTestBase {

    /** Light traffic: a frame every 2 ms for 60 ms, several of the placement's 10 ms windows. */
    private static final int FRAMES = 30;
    private static final long GAP_NANOS = 2_000_000;
    /** How long the test watches the worker after the last frame: well within the longest poll, a second. */
    private static final long WATCH_NANOS = 200_000_000;

    @Test
    void aWorkerThatBusyPollsStaysAwakeAfterLightTraffic_andSleepsOnceThePollIsOver() {
        fx = new SwitchFixture(withBusyPoll(BusyPoll.parse(Long.toString(BusyPoll.MAX_MICROS))), 2);
        InMemoryTapPort client = fx.host(0);
        InMemoryTapPort server = fx.host(1);
        assertEquals(BusyPoll.MAX_MICROS, fx.datapath.status().busyPollMicros(), "the status tells how long it polls");
        lightTraffic(client, server);

        assertFalse(sleptWithin(client, WATCH_NANOS), "the worker slept in the selector right after light traffic");
        // Frames still cross the switch while it polls, and the poll starts again after each of them.
        byte[] last = frame(FRAMES);
        assertTrue(client.inject(last));
        assertArrayEquals(last, server.awaitEgress(1, WAIT).getFirst(), "a frame switched while the worker polls");
        assertFalse(sleptWithin(client, WATCH_NANOS), "the worker slept right after a frame it polled for");

        Traffic.await("the worker sleeps in the selector once a second has passed without frames",
                client::selectorWaiting, WAIT);
    }

    @Test
    void aWorkerThatDoesNotBusyPollSleepsBetweenFrames() {
        fx = new SwitchFixture(withBusyPoll(BusyPoll.parse("off")), 2);
        InMemoryTapPort client = fx.host(0);
        InMemoryTapPort server = fx.host(1);
        assertEquals(0, fx.datapath.status().busyPollMicros());
        lightTraffic(client, server);

        assertTrue(sleptWithin(client, WAIT.toNanos()), "the worker sleeps in the selector after each frame");
    }

    /** Frames from {@code client} to {@code server}, each switched before the next is sent. */
    private static void lightTraffic(InMemoryTapPort client, InMemoryTapPort server) {
        for (int i = 0; i < FRAMES; i++) {
            byte[] f = frame(i);
            assertTrue(client.inject(f), "frame " + i + " queued");
            List<byte[]> out = server.awaitEgress(1, WAIT);
            assertArrayEquals(f, out.getFirst(), "frame " + i);
            LockSupport.parkNanos(GAP_NANOS);
        }
    }

    /** @return whether the worker was seen blocked in the selector within {@code nanos} */
    private static boolean sleptWithin(InMemoryTapPort port, long nanos) {
        long end = System.nanoTime() + nanos;
        do {
            if (port.selectorWaiting()) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return false;
    }

    private static byte[] frame(int i) {
        return FrameBuilder.ethernet().source("02:00:00:00:00:01").destination("02:00:00:00:00:02")
                .etherType(0x88b5).payload(new byte[] {(byte) (i >>> 8), (byte) i}).length(64).build();
    }

    private static RingSettings withBusyPoll(BusyPoll busyPoll) {
        RingSettings d = RingSettings.DEFAULTS;
        return new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(),
                d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(), d.ioEngine(),
                d.workerCpu(), d.stallSentinels(), busyPoll);
    }
}
