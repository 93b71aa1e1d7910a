package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the JVM's anonymous memory in huge pages ({@code hugePages} in {@value RingSettings#PID}), by asking the
 * provider to collapse it when it starts and every {@link #PERIOD_MILLIS} ms after, on a thread of its own.
 *
 * <p>Why: where DAMON samples a paravirtualised VM's memory, the next run of the process after each pass is slowed,
 * the more the more memory it maps in 4 KiB pages, and a frame that comes then pays for it. The launcher's
 * {@code -XX:+UseTransparentHugePages} covers the heap and the code cache as they fault in; class metadata and
 * glibc's malloc arenas it does not, and they grow as bundles load and the JIT works, so the collapse is repeated.
 * A repeat costs one cheap system call per 2 MiB already huge. Measured in bench/README.md ("huge pages for the
 * rest of the JVM").
 */
final class HugePageKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(HugePageKeeper.class);

    /** How often memory that has grown since is collapsed. */
    static final long PERIOD_MILLIS = 10_000;

    /** The thread's name, as {@code ringswitch:threads} and thread dumps show it. */
    static final String THREAD_NAME = "ringswitch-huge-pages";

    private final PortProvider provider;
    private final long periodMillis;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** What the last collapse reported, for status; 0 until the first. */
    private volatile long hugeBytes;
    private final Thread thread;

    private HugePageKeeper(PortProvider provider, long periodMillis) {
        this.provider = provider;
        this.periodMillis = periodMillis;
        this.thread = Thread.ofPlatform().daemon().name(THREAD_NAME).unstarted(this::run);
    }

    /**
     * Starts a keeper if the setting asks for one on this machine.
     *
     * @param mode the setting
     * @param damon what makes {@code auto} turn it on, if this machine has it ({@link DamonSampling#onThisMachine})
     * @param provider does the collapsing
     * @param periodMillis time between two collapses
     * @return the running keeper, or empty if the setting leaves memory as the JVM maps it
     */
    static Optional<HugePageKeeper> start(StallSentinelsMode mode, Supplier<Optional<String>> damon,
                                          PortProvider provider, long periodMillis) {
        Objects.requireNonNull(provider, "provider");
        Optional<String> reason = damon.get();
        if (!mode.on(() -> reason)) {
            return Optional.empty();
        }
        HugePageKeeper keeper = new HugePageKeeper(provider, periodMillis);
        keeper.thread.start();
        LOG.info("Huge pages: the JVM's anonymous memory is collapsed into huge pages every {} s (hugePages={}{})",
                periodMillis / 1000, mode.label(), reason.map(r -> ": " + r).orElse(""));
        return Optional.of(keeper);
    }

    private void run() {
        boolean first = true;
        try {
            do {
                long huge = provider.collapseIntoHugePages();
                hugeBytes = huge;
                if (first) {
                    LOG.info("Huge pages: {} MiB of the JVM's anonymous memory is mapped with huge pages", huge >> 20);
                    first = false;
                }
            } while (!stopped.await(periodMillis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Memory stays as it is mapped; the switch works on. Not worth a thread that fails again every period.
            LOG.warn("Huge pages: collapsing stopped: {}", e.toString());
        }
    }

    /** @return the JVM's anonymous memory mapped with huge pages after the last collapse, 0 before the first */
    long hugeBytes() {
        return hugeBytes;
    }

    /** @return whether its thread is alive */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops the thread and waits for it: a collapse under way finishes first (milliseconds). */
    void stop() {
        stopped.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
