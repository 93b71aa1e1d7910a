package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ThreadPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One thread bound to each CPU the process may use, waking every {@link #PERIOD_NANOS}, so that a stall the
 * hypervisor charges to the first thread of the process that runs on a CPU after the kernel has rewritten the
 * process's page tables is taken by one of these rather than by the worker in the middle of a frame.
 *
 * <p>Why: on a paravirtualised guest with shadow page tables (measured on the 2-CPU VMs of bench/README.md), the
 * kernel's DAMON sampling clears accessed bits in the page tables of every process every 500 ms; the next thread of
 * that process to run on each CPU then waits while the hypervisor resynchronises its copy, 400-600 us for the JVM.
 * Without sentinels that thread is the worker, woken by the next frame: the frame's latency grows by the stall, on
 * 2-3 % of pings at 10 ms intervals, which sets RTT p99. A sentinel that wakes every 100 us takes the stall first,
 * unless a frame arrives within that 100 us. Threads that are not bound to a CPU do not help: the stall is paid on
 * each CPU.
 *
 * <p>The stall does not end with that: the first frame after it still pays for touching the datapath's memory
 * again (250-330 us measured). So the first sentinel also sends the worker a probe frame every
 * {@link #PROBE_PERIODS} periods through a loopback pair from the provider, which the worker reads like a port and
 * drops unseen: the first frame after a stall is then usually a probe (bench/README.md, "Where the tail goes").
 *
 * <p>Measured (bench/README.md): RTT p99 through the switch about halved (the stall is not always taken first:
 * part of it stays with the thread that touches the pages). Cost: 10,000 wake-ups per second per CPU, 12-17 % of one
 * CPU in all on the 2-CPU VM, so the sentinels run only while light traffic flows ({@code active}: frames within the
 * last second, fewer than 100,000 a second, worker not bound for bulk traffic). On an idle switch, and during bulk
 * traffic or a flood of small frames, they sleep: the worker {@link #wake}s them as light traffic begins, and they
 * look for themselves only every {@link #PAUSED_PERIOD_NANOS}, so an idle appliance does not wake its CPUs for
 * them. By default
 * ({@code stallSentinels = auto} in {@value RingSettings#PID}) they run only where the stall is charged: on a virtual
 * machine whose memory DAMON samples ({@link DamonSampling}).
 */
final class StallSentinels {

    private static final Logger LOG = LoggerFactory.getLogger(StallSentinels.class);

    /** How often a sentinel runs while latency counts. */
    static final long PERIOD_NANOS = 100_000;
    /**
     * Every how many periods the first sentinel sends the worker a probe frame while latency counts (about every
     * millisecond; with the timer slack of a VM, every one to two).
     */
    static final int PROBE_PERIODS = 10;
    /** How often a paused sentinel checks whether it still is, unless it is woken first ({@link #wake}). */
    static final long PAUSED_PERIOD_NANOS = 1_000_000_000;

    private final List<Thread> threads = new ArrayList<>();
    private final long pausedPeriodNanos;
    private volatile boolean running = true;

    /**
     * Starts one sentinel per CPU the process may use (none on a single CPU, or where the provider cannot bind
     * threads).
     *
     * @param provider binds the threads to their CPUs
     * @param active whether latency counts now, so that the sentinels run at {@link #PERIOD_NANOS}
     */
    StallSentinels(PortProvider provider, BooleanSupplier active) {
        this(provider, active, null);
    }

    /**
     * @param provider binds the threads to their CPUs
     * @param active whether latency counts now, so that the sentinels run at {@link #PERIOD_NANOS}
     * @param probe sends one probe frame to the worker, or null: the first sentinel calls it every
     *        {@link #PROBE_PERIODS} periods while active
     */
    StallSentinels(PortProvider provider, BooleanSupplier active, Runnable probe) {
        this(provider, active, probe, PAUSED_PERIOD_NANOS);
    }

    /**
     * @param provider binds the threads to their CPUs
     * @param active whether latency counts now, so that the sentinels run at {@link #PERIOD_NANOS}
     * @param probe sends one probe frame to the worker, or null
     * @param pausedPeriodNanos how often a paused sentinel looks whether it still is (tests: longer than they run)
     */
    StallSentinels(PortProvider provider, BooleanSupplier active, Runnable probe, long pausedPeriodNanos) {
        this.pausedPeriodNanos = pausedPeriodNanos;
        BitSet cpus = provider.allowedCpus();
        if (cpus.cardinality() < 2) {
            return;
        }
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
            int at = cpu;
            Runnable sends = cpu == cpus.nextSetBit(0) ? probe : null;
            Thread t = new Thread(() -> watch(provider, at, active, sends), "ringswitch-sentinel-" + cpu);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void watch(PortProvider provider, int cpu, BooleanSupplier active, Runnable probe) {
        try (ThreadPlacement placement = provider.openThreadPlacement()) {
            if (!placement.bind(cpu)) {
                return;
            }
            int periods = 0;
            while (running) {
                boolean on = active.getAsBoolean();
                LockSupport.parkNanos(on ? PERIOD_NANOS : pausedPeriodNanos);
                if (on && probe != null && ++periods >= PROBE_PERIODS) {
                    periods = 0;
                    probe.run();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("ringswitch-sentinel-{}: stopped ({}); frames may take the periodic stall it took", cpu,
                    e.getMessage());
        }
    }

    /**
     * Ends the sentinels' pause now: each looks at once whether latency counts. Called by the worker as light
     * traffic begins; cheap (one unpark per CPU), and harmless when they run already.
     */
    void wake() {
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** @return the names of the sentinels that run (one whose CPU refused it has ended) */
    List<String> threadNames() {
        return threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    /**
     * Stops the sentinels and waits for them.
     *
     * @param timeoutMillis how long to wait for each
     */
    void stop(long timeoutMillis) {
        running = false;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            try {
                t.join(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
