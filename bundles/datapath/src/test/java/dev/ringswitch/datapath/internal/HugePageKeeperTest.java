package dev.ringswitch.datapath.internal;

import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hugePages}: who asks the provider to collapse memory, how often, and when it stops. */
class HugePageKeeperTest {

    private static final Optional<String> DAMON = Optional.of("DAMON (kdamond 0) samples physical memory");

    /** Counts the collapses asked of it; each releases a permit. */
    private static final class CountingProvider extends TwoCpusNoPorts {
        final Semaphore collapses = new Semaphore(0);

        @Override
        public long collapseIntoHugePages() {
            collapses.release();
            return 4L << 20;
        }
    }

    private final CountingProvider provider = new CountingProvider();
    private final DatapathManager datapath = new DatapathManager(provider);

    @AfterEach
    void tearDown() {
        datapath.keepHugePages(StallSentinelsMode.FALSE, Optional::empty, 1);
    }

    @Test
    void autoCollapsesAtOnceAndThenEveryPeriodWhereDamonSamples() throws InterruptedException {
        datapath.keepHugePages(StallSentinelsMode.AUTO, () -> DAMON, 50);

        assertTrue(datapath.keepingHugePages());
        assertTrue(provider.collapses.tryAcquire(3, 5, TimeUnit.SECONDS), "collapses asked: "
                + provider.collapses.availablePermits());
        assertEquals(4L << 20, datapath.status().hugePageBytes(), "what status reports");
    }

    @Test
    void autoLeavesMemoryAloneWhereNothingSamplesIt() throws InterruptedException {
        datapath.keepHugePages(StallSentinelsMode.AUTO, Optional::empty, 10);

        assertFalse(datapath.keepingHugePages());
        assertFalse(provider.collapses.tryAcquire(200, TimeUnit.MILLISECONDS));
        assertEquals(-1, datapath.status().hugePageBytes(), "what status reports");
    }

    @Test
    void trueCollapsesEvenWithoutDamon() throws InterruptedException {
        datapath.keepHugePages(StallSentinelsMode.TRUE, Optional::empty, 10_000);

        assertTrue(provider.collapses.tryAcquire(5, TimeUnit.SECONDS));
    }

    @Test
    void turningItOffStopsTheThread() throws InterruptedException {
        datapath.keepHugePages(StallSentinelsMode.TRUE, Optional::empty, 20);
        assertTrue(provider.collapses.tryAcquire(5, TimeUnit.SECONDS));

        datapath.keepHugePages(StallSentinelsMode.FALSE, Optional::empty, 20);

        assertFalse(datapath.keepingHugePages());
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(HugePageKeeper.THREAD_NAME) && t.isAlive()), "thread left running");
        provider.collapses.drainPermits();
        assertFalse(provider.collapses.tryAcquire(200, TimeUnit.MILLISECONDS), "collapsed after it was turned off");
    }

    @Test
    void aBadValueNamesTheSettingAndWhatItTakes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StallSentinelsMode.parse("hugePages", "yes"));
        assertEquals("invalid hugePages 'yes' in ringswitch.datapath: expected one of auto, true, false",
                e.getMessage());
    }

    @Test
    void theDefaultProviderCollapsesNothing() {
        assertEquals(0, new InMemoryPortProvider().collapseIntoHugePages());
    }
}
