package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.ThreadPlacement;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.ringswitch.datapath.internal.WorkerPlacement.BULK_BYTES_PER_WINDOW;
import static dev.ringswitch.datapath.internal.WorkerPlacement.QUIET_BYTES_PER_WINDOW;
import static dev.ringswitch.datapath.internal.WorkerPlacement.WINDOW_NANOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code workerCpu = auto}: the worker is bound to the last CPU while bulk traffic flows and released when it stops
 * ({@link WorkerPlacement}), told bytes and times by hand here; {@link RingPlacementTest} has the worker do it.
 */
class AdaptivePlacementTest {

    private static final long T0 = 1_000_000_000L;

    private final InMemoryPortProvider provider = new InMemoryPortProvider();
    /** The time of the last window passed with {@link #window}. */
    private long t = T0;

    @Test
    void shouldBindWhileBulkTrafficFlowsAndReleaseWhenItStops() {
        WorkerPlacement placement = autoOnTwoCpus();
        assertEquals(-1, provider.boundCpu(), "not bound before any traffic");

        placement.received(BULK_BYTES_PER_WINDOW, (int) (BULK_BYTES_PER_WINDOW / 1500));
        placement.tick(T0 + WINDOW_NANOS / 2);
        assertEquals(-1, provider.boundCpu(), "half a window does not decide");
        placement.tick(T0 + WINDOW_NANOS);
        assertEquals(1, provider.boundCpu(), "bulk in a window: bound to the last CPU");

        t = T0 + WINDOW_NANOS;
        window(placement, QUIET_BYTES_PER_WINDOW);
        assertEquals(1, provider.boundCpu(), "a rate between the two thresholds keeps it bound (no flapping)");

        window(placement, QUIET_BYTES_PER_WINDOW - 1);
        assertEquals(-1, provider.boundCpu(), "below the quiet rate: released");
        assertEquals(2, provider.placementMoves(), "one bind, one release");
        placement.close();
    }

    @Test
    void shouldNotBindForRequestsAndAnswers() {
        WorkerPlacement placement = autoOnTwoCpus();
        // A ping every 10 ms, and a burst of small frames at 500 k frames/s for a second: neither is bulk.
        for (int i = 0; i < 300; i++) {
            window(placement, 98);
        }
        for (int i = 0; i < 100; i++) {
            window(placement, 5_000 * 60);
        }
        assertEquals(0, provider.placementMoves(), "never bound");
        placement.close();
    }

    @Test
    void shouldMeasureTheRateOverALongWindow() {
        WorkerPlacement placement = autoOnTwoCpus();
        // One bulk window's bytes after the worker waited a second: 2.5 MB/s, not bulk.
        placement.received(BULK_BYTES_PER_WINDOW, (int) (BULK_BYTES_PER_WINDOW / 1500));
        placement.tick(T0 + 100 * WINDOW_NANOS);
        assertEquals(-1, provider.boundCpu());
        assertEquals(0, provider.placementMoves());
        placement.close();
    }

    @Test
    void shouldBindANumberedCpuAtOnceAndForGood() {
        provider.simulateCpus(2);
        WorkerPlacement placement = WorkerPlacement.open(WorkerCpu.parse("0"), provider, T0);
        assertEquals(0, provider.boundCpu(), "bound as it opens");
        placement.tick(T0 + 10 * WINDOW_NANOS);
        assertEquals(0, provider.boundCpu(), "no traffic does not release a numbered CPU");
        assertEquals(1, provider.placementMoves());
        placement.close();
    }

    @Test
    void shouldNeverBindWithNoneOrOnOneCpu() {
        provider.simulateCpus(2);
        WorkerPlacement none = WorkerPlacement.open(WorkerCpu.parse("none"), provider, T0);
        none.received(100 * BULK_BYTES_PER_WINDOW, (int) (100 * BULK_BYTES_PER_WINDOW / 1500));
        none.tick(T0 + WINDOW_NANOS);
        none.close();
        InMemoryPortProvider oneCpu = new InMemoryPortProvider();
        oneCpu.simulateCpus(1);
        WorkerPlacement auto = WorkerPlacement.open(WorkerCpu.parse("auto"), oneCpu, T0);
        auto.received(100 * BULK_BYTES_PER_WINDOW, (int) (100 * BULK_BYTES_PER_WINDOW / 1500));
        auto.tick(T0 + WINDOW_NANOS);
        auto.close();
        assertEquals(0, provider.placementMoves(), "none");
        assertEquals(0, oneCpu.placementMoves(), "auto where the process may use one CPU only");
    }

    @Test
    void shouldStopTryingWhenTheKernelRefuses() {
        Refusing refusing = new Refusing();
        WorkerPlacement placement = WorkerPlacement.open(WorkerCpu.parse("auto"), refusing, T0);
        for (int i = 0; i < 5; i++) {
            window(placement, BULK_BYTES_PER_WINDOW);
        }
        assertEquals(1, refusing.attempts, "one refused bind, then no more system calls");
        assertFalse(placement.bound());
        placement.close();
        assertTrue(refusing.closed, "the placement closed what the provider opened");
    }

    private WorkerPlacement autoOnTwoCpus() {
        provider.simulateCpus(2);
        return WorkerPlacement.open(WorkerCpu.parse("auto"), provider, T0);
    }

    /** Passes one window in which the worker read {@code bytes} in frames of up to 1,500 bytes. */
    private void window(WorkerPlacement placement, long bytes) {
        window(placement, bytes, (int) Math.ceilDiv(bytes, 1500));
    }

    /** Passes one window in which the worker read {@code bytes} in {@code frames}. */
    private void window(WorkerPlacement placement, long bytes, int frames) {
        placement.received(bytes, frames);
        t += WINDOW_NANOS;
        placement.tick(t);
    }

    @Test
    void shouldTellWhileLightTrafficFlows() {
        WorkerPlacement placement = autoOnTwoCpus();
        assertFalse(placement.latencySensitive(), "no traffic yet");
        window(placement, 98);
        assertTrue(placement.latencySensitive(), "a ping: latency counts");
        for (int i = 0; i < 50; i++) {
            window(placement, 0);
        }
        assertTrue(placement.latencySensitive(), "half a second after the last frame: still");
        window(placement, BULK_BYTES_PER_WINDOW);
        assertFalse(placement.latencySensitive(), "bound for bulk traffic: throughput counts");
        window(placement, 98);
        assertTrue(placement.latencySensitive(), "released, pings again");
        long flood = WorkerPlacement.BUSY_FRAMES_PER_WINDOW;
        window(placement, 60 * flood, (int) flood);
        assertFalse(placement.latencySensitive(), flood + " small frames in a window: the worker does not sleep");
        assertFalse(placement.bound(), "small frames are not bulk traffic: " + 60 * flood + " bytes in a window");
        window(placement, 60 * (flood - 1), (int) (flood - 1));
        assertTrue(placement.latencySensitive(), "one frame fewer: light traffic again");
        t += WorkerPlacement.LATENCY_HOLD_NANOS;
        placement.tick(t);
        assertFalse(placement.latencySensitive(), "a second without frames");
        placement.close();
    }

    @Test
    void shouldSayEachTimeLightTrafficBegins() {
        provider.simulateCpus(2);
        AtomicInteger begins = new AtomicInteger();
        WorkerPlacement placement = WorkerPlacement.open(WorkerCpu.parse("auto"), provider, T0,
                begins::incrementAndGet);
        window(placement, 0);
        assertEquals(0, begins.get(), "no traffic");
        window(placement, 98);
        assertEquals(1, begins.get(), "a ping");
        window(placement, 98);
        assertEquals(1, begins.get(), "more pings: latency counted already");
        window(placement, BULK_BYTES_PER_WINDOW);
        window(placement, 98);
        assertEquals(2, begins.get(), "pings again after a bulk transfer");
        t += WorkerPlacement.LATENCY_HOLD_NANOS;
        placement.tick(t);
        window(placement, 98);
        assertEquals(3, begins.get(), "a ping after a second of silence");
        placement.close();
    }

    /** A provider whose kernel refuses every bind, as in a cpuset that excludes the CPU. */
    private static final class Refusing extends TwoCpusNoPorts {
        int attempts;
        boolean closed;

        @Override
        public ThreadPlacement openThreadPlacement() {
            return new ThreadPlacement() {
                @Override
                public boolean bind(int cpu) {
                    attempts++;
                    throw new PortException("worker", "sched_setaffinity", 22, "cannot be bound to CPU " + cpu);
                }

                @Override
                public boolean release() {
                    attempts++;
                    return true;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }
}
