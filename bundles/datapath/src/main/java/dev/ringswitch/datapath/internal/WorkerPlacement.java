package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ThreadPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;

/**
 * Where the worker thread runs, as {@code workerCpu} says (see {@link WorkerCpu}): never bound, always bound to one
 * CPU, or ({@code auto}) bound to the last CPU only while bulk traffic flows.
 *
 * <p>The worker reports the bytes it reads ({@link #received}) and the time of each wakeup ({@link #tick}); every
 * {@link #WINDOW_NANOS} or so, the bytes of that window decide. Bound above {@link #BULK_BYTES_PER_WINDOW} (about
 * 2 Gbit/s), released below {@link #QUIET_BYTES_PER_WINDOW} (about 0.2 Gbit/s), so a rate in between changes nothing
 * and the thread does not flap. A move is one {@code sched_setaffinity} call and allocates nothing; it happens at the
 * start and the end of a bulk transfer, not per frame. Used by the worker thread only.
 */
final class WorkerPlacement implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPlacement.class);

    /** How long a window of traffic is measured before it decides. */
    static final long WINDOW_NANOS = 10_000_000;
    /** Bytes per window from which the worker is bound: 2 Gbit/s. */
    static final long BULK_BYTES_PER_WINDOW = 2_500_000;
    /** Bytes per window below which a bound worker is released: 0.2 Gbit/s. */
    static final long QUIET_BYTES_PER_WINDOW = 250_000;

    /**
     * Frames per window from which the traffic no longer counts as latency-sensitive: 100,000 frames/s. At such a
     * rate the worker goes from one frame to the next without sleeping, so the stall sentinels cannot take a stall
     * in its place; they would only take CPU from it (measured: a fifth of the 60-byte frame rate).
     */
    static final long BUSY_FRAMES_PER_WINDOW = 1_000;

    /**
     * How long after the last frame the traffic still counts as latency-sensitive: a host that pings, or a request
     * and response protocol, sends again within it; the worker's own wakeups (at most a second apart) end it.
     */
    static final long LATENCY_HOLD_NANOS = 1_000_000_000;

    private final ThreadPlacement thread;
    /** The CPU to bind to, or -1 for none. */
    private final int cpu;
    /** Whether the load decides ({@code auto}); otherwise the worker is bound once, or never. */
    private boolean adaptive;
    /** {@link #cpu} while bound, else -1; written by the worker, read by status queries too. */
    private volatile int boundCpu = -1;
    private long windowStart;
    private long windowBytes;
    private long windowFrames;
    /** When a window last had traffic. */
    private long lastTraffic;
    /** See {@link #latencySensitive()}; written by the worker when it changes. */
    private volatile boolean latencySensitive;
    /** Called by the worker each time {@link #latencySensitive()} becomes true. */
    private final Runnable latencyCounts;

    private WorkerPlacement(ThreadPlacement thread, int cpu, boolean adaptive, long now, Runnable latencyCounts) {
        this.thread = thread;
        this.cpu = cpu;
        this.adaptive = adaptive;
        this.latencyCounts = latencyCounts;
        this.windowStart = now;
        this.lastTraffic = now - LATENCY_HOLD_NANOS;
    }

    /**
     * Opens the calling thread's placement and, for a CPU number, binds it. A CPU the process may not use, or a
     * kernel that refuses, leaves the worker unbound with one warning: the switch works either way.
     *
     * @param wanted the setting
     * @param provider the provider of ports, which moves threads
     * @param now {@code System.nanoTime()}
     * @return the placement, to be closed by the same thread
     */
    static WorkerPlacement open(WorkerCpu wanted, PortProvider provider, long now) {
        return open(wanted, provider, now, () -> { });
    }

    /**
     * As {@link #open(WorkerCpu, PortProvider, long)}, and tells {@code latencyCounts} each time light traffic
     * begins ({@link #latencySensitive()} becomes true), on the worker thread.
     *
     * @param wanted the setting
     * @param provider the provider of ports, which moves threads
     * @param now {@code System.nanoTime()}
     * @param latencyCounts what to run then; quick, it runs between frames
     * @return the placement, to be closed by the same thread
     */
    static WorkerPlacement open(WorkerCpu wanted, PortProvider provider, long now, Runnable latencyCounts) {
        BitSet allowed = provider.allowedCpus();
        int cpu = wanted.choose(allowed);
        if (cpu < 0) {
            if (wanted.cpu() >= 0) {
                LOG.warn("ringswitch-worker: workerCpu = {} is not a CPU this process may run on (it may use {});"
                        + " the worker runs unbound: set workerCpu in {} to one of those, or auto", wanted.label(),
                        allowed, RingSettings.PID);
            }
            return new WorkerPlacement(ThreadPlacement.UNSUPPORTED, -1, false, now, latencyCounts);
        }
        boolean adaptive = wanted.cpu() == WorkerCpu.AUTO;
        WorkerPlacement placement = new WorkerPlacement(provider.openThreadPlacement(), cpu, adaptive, now,
                latencyCounts);
        if (adaptive) {
            LOG.info("ringswitch-worker: bound to CPU {} while bulk traffic flows (workerCpu = auto)", cpu);
        } else if (placement.move(true)) {
            LOG.info("ringswitch-worker: bound to CPU {} (workerCpu = {})", cpu, wanted.label());
        }
        return placement;
    }

    /**
     * @param bytes read by the worker just now
     * @param frames the frames they came in
     */
    void received(long bytes, int frames) {
        windowBytes += bytes;
        windowFrames += frames;
    }

    /**
     * At each wakeup: once a window has passed, binds or releases the worker by the window's rate.
     *
     * @param now {@code System.nanoTime()}
     */
    void tick(long now) {
        long elapsed = now - windowStart;
        if (elapsed < WINDOW_NANOS) {
            return;
        }
        // Rates scaled to one window: a window may last longer (the worker waited, or a burst took long).
        double framesPerWindow = (double) windowFrames * WINDOW_NANOS / elapsed;
        if (adaptive) {
            boolean bound = bound();
            double perWindow = (double) windowBytes * WINDOW_NANOS / elapsed;
            if (!bound && perWindow >= BULK_BYTES_PER_WINDOW) {
                move(true);
            } else if (bound && perWindow < QUIET_BYTES_PER_WINDOW) {
                move(false);
            }
        }
        if (windowBytes > 0) {
            lastTraffic = now;
        }
        boolean sensitive = !bound() && now - lastTraffic < LATENCY_HOLD_NANOS
                && framesPerWindow < BUSY_FRAMES_PER_WINDOW;
        if (sensitive != latencySensitive) {
            latencySensitive = sensitive;
            if (sensitive) {
                latencyCounts.run();
            }
        }
        windowStart = now;
        windowBytes = 0;
        windowFrames = 0;
    }

    /**
     * @return whether frames came within the last {@link #LATENCY_HOLD_NANOS}, fewer than
     *         {@link #BUSY_FRAMES_PER_WINDOW} in the last window, and the worker is not bound for bulk traffic: their
     *         latency is what counts now (see {@link StallSentinels}); any thread
     */
    boolean latencySensitive() {
        return latencySensitive;
    }

    /** @return whether the worker is bound now */
    boolean bound() {
        return boundCpu >= 0;
    }

    /** @return the CPU the worker is bound to now, or -1; any thread */
    int boundCpu() {
        return boundCpu;
    }

    /** @return whether a move succeeded */
    private boolean move(boolean bind) {
        try {
            if (bind ? thread.bind(cpu) : thread.release()) {
                boundCpu = bind ? cpu : -1;
                return true;
            }
        } catch (RuntimeException e) {
            LOG.warn("ringswitch-worker: could not be {} CPU {} ({}); it is left where it is", bind
                    ? "bound to" : "released from", cpu, e.getMessage());
        }
        // A thread that cannot be moved stays put: not one failed system call per window.
        adaptive = false;
        return false;
    }

    @Override
    public void close() {
        thread.close();
    }
}
