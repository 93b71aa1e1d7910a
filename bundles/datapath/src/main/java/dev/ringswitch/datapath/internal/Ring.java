package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring engine: one single-producer Disruptor ring of pre-allocated {@link Slot}s, the ingress thread that fills
 * it from the ports and the worker thread ({@link Worker}) that drains it. See {@link DatapathManager} for the design;
 * this class owns the threads, the ring memory and the selector, and the barrier protocol that lets control threads
 * wait for the datapath to let go of a module or a port.
 *
 * <p>Ingress, on its own thread: wait on the {@link ReadinessSelector}; serve the ready ports round-robin, starting
 * one further each wakeup, reading up to {@code ingressBatch} frames per port straight into claimed slots; publish
 * each port's burst with one {@code publish(lo, hi)} (one wait-strategy signal per burst, not per frame). A slot is
 * claimed with {@code tryNext()} before the read and kept if the read finds nothing, so no slot is wasted; when the
 * ring is full, ingress publishes what it has, counts one publish stall, and parks until the worker frees room,
 * leaving frames in the kernel queue (which drops and counts them) instead of growing memory.
 */
final class Ring {

    private static final Logger LOG = LoggerFactory.getLogger(Ring.class);

    /** How long ingress parks between checks while the ring is full, in nanoseconds. */
    static final long STALL_PARK_NANOS = 20_000;
    /** Upper bound on one selector wait, in milliseconds; wakeups make it return sooner. A safety net only. */
    static final int SELECT_TIMEOUT_MILLIS = 1000;
    /** How long a control thread parks between checks while waiting for the worker, in nanoseconds. */
    static final long QUIESCE_POLL_NANOS = 50_000;
    /** Alignment of each slot's memory: a cache line. */
    static final long SLOT_ALIGNMENT = 64;

    private static final long NONE = -1;
    private static final VarHandle STALLS;

    static {
        try {
            STALLS = MethodHandles.lookup().findVarHandle(Ring.class, "publishStalls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RingSettings settings;
    private final Arena arena = Arena.ofShared();
    private final RingBuffer<Slot> ring;
    private final ReadinessSelector selector;
    private final Worker worker;
    private final BatchEventProcessor<Slot> processor;
    private final Thread ingressThread;
    private final Thread workerThread;
    private final long startMillis = System.currentTimeMillis();

    private volatile Plan plan;
    private volatile boolean running;
    /** The generation a control thread wants a barrier for; written by control threads under the manager's lock. */
    private volatile long barrierRequested = -1;
    /** Sequence of the last barrier slot published, then the plan generation it was published under. */
    private volatile long barrierSequence = -1;
    private volatile long barrierGeneration = -1;
    @SuppressWarnings("unused")
    private volatile long publishStalls;

    // Ingress thread only.
    private final int[] ready = new int[PortSet.CAPACITY];
    private long claimed = NONE;
    private long published = -1;
    private long filled = -1;
    private int rotation;
    private boolean stalled;

    /**
     * Allocates the ring memory and builds the threads (not started).
     *
     * @param settings ring settings
     * @param provider opens the selector
     * @param initial the plan to start with
     * @param drops switch-wide drop counters
     */
    Ring(RingSettings settings, PortProvider provider, Plan initial, DropCounters drops) {
        this.settings = settings;
        this.plan = initial;
        MemorySegment memory = arena.allocate((long) settings.ringSize() * settings.frameSize(), SLOT_ALIGNMENT);
        int[] next = {0};
        this.ring = RingBuffer.createSingleProducer(() -> new Slot(memory.asSlice(
                (long) next[0]++ * settings.frameSize(), settings.frameSize())), settings.ringSize(),
                settings.waitStrategy().create());
        this.selector = provider.openSelector();
        this.worker = new Worker(this, settings, drops);
        this.processor = new BatchEventProcessorBuilder().setMaxBatchSize(settings.workerBatch())
                .build(ring, ring.newBarrier(), worker);
        this.processor.setExceptionHandler(new WorkerExceptionHandler());
        ring.addGatingSequences(processor.getSequence());
        this.ingressThread = new Thread(this::ingress, "ringswitch-ingress");
        this.workerThread = new Thread(processor, "ringswitch-worker");
        ingressThread.setDaemon(true);
        workerThread.setDaemon(true);
    }

    /** Registers the plan's ports and starts both threads. */
    void start() {
        for (PortEntry e : plan.ports) {
            if (e != null) {
                register(e);
            }
        }
        running = true;
        workerThread.start();
        ingressThread.start();
    }

    /**
     * Stops ingress, lets the worker finish every frame already published (bounded), then stops the worker, closes
     * the selector and frees the ring memory. Ports stay open.
     *
     * @param timeoutMillis how long to wait for each thread
     */
    void stop(long timeoutMillis) {
        running = false;
        selector.wakeup();
        join(ingressThread, timeoutMillis);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (processor.getSequence().get() < ring.getCursor() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(QUIESCE_POLL_NANOS);
        }
        processor.halt();
        join(workerThread, timeoutMillis);
        selector.close();
        if (!ingressThread.isAlive() && !workerThread.isAlive()) {
            arena.close();
        } else {
            // Freeing memory a live thread still touches would crash it; leave it to the GC-less leak instead.
            LOG.error("datapath threads did not stop within {} ms; ring memory not released", timeoutMillis);
        }
    }

    private static void join(Thread thread, long timeoutMillis) {
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the plan in force */
    Plan plan() {
        return plan;
    }

    /**
     * Publishes a new plan; each thread adopts it at its next batch boundary.
     *
     * @param next the plan
     */
    void publish(Plan next) {
        plan = next;
        selector.wakeup();
    }

    /** @param e a port to start reading from */
    void register(PortEntry e) {
        selector.register(e.tap, e.number);
    }

    /** @param e a port to stop reading from */
    void deregister(PortEntry e) {
        selector.deregister(e.tap);
    }

    /**
     * Waits until the worker has finished every frame published before plan {@code generation} took effect in
     * ingress, and runs that plan: afterwards neither thread touches anything the plan removed. Implemented by
     * asking ingress for a barrier slot published under the plan and waiting until the worker's sequence passes it;
     * this also works when the ring is idle, since the barrier itself wakes the worker.
     *
     * @param generation the plan generation
     * @param timeoutMillis how long to wait at most
     * @return whether the datapath acknowledged in time
     */
    boolean quiesce(long generation, long timeoutMillis) {
        if (!running) {
            return true;
        }
        if (barrierRequested < generation) {
            barrierRequested = generation;
        }
        selector.wakeup();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (barrierGeneration >= generation && processor.getSequence().get() >= barrierSequence
                    && worker.ackedGeneration() >= generation) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0 || !ingressThread.isAlive() || !workerThread.isAlive()) {
                return false;
            }
            LockSupport.parkNanos(QUIESCE_POLL_NANOS);
        }
    }

    // ---- ingress thread ------------------------------------------------------------------------------------------

    private void ingress() {
        RateLimitedLog errors = new RateLimitedLog("ringswitch-ingress");
        while (running) {
            try {
                ingressRound();
            } catch (RuntimeException e) {
                // A bug or a failing selector must not end ingress, and with it the switch; back off and retry.
                if (errors.allow()) {
                    LOG.error("ringswitch-ingress: unexpected exception; continuing", e);
                }
                LockSupport.parkNanos(STALL_PARK_NANOS);
            }
        }
        publishFilled();
    }

    /** One wakeup: adopt the plan, serve a barrier request, wait for ready ports and read them. */
    private void ingressRound() {
        Plan p = plan;
        if (barrierRequested > barrierGeneration && claim()) {
            publishBarrier(p.generation);
        }
        if (stalled) {
            awaitCapacity();
            return;
        }
        int n = selector.select(ready, SELECT_TIMEOUT_MILLIS);
        if (n <= 0) {
            return;
        }
        int first = Math.floorMod(rotation++, n);
        for (int i = 0; i < n && !stalled; i++) {
            PortEntry e = p.ports[ready[(first + i) % n]];
            if (e != null) {
                readBurst(e);
            }
        }
    }

    /** Claims a slot if none is claimed; on a full ring, records the stall. */
    private boolean claim() {
        if (claimed != NONE) {
            return true;
        }
        try {
            claimed = ring.tryNext();
            return true;
        } catch (InsufficientCapacityException e) {
            publishFilled();
            if (!stalled) {
                stalled = true;
                STALLS.setOpaque(this, publishStalls + 1);
            }
            return false;
        }
    }

    private void awaitCapacity() {
        while (running && !ring.hasAvailableCapacity(1)) {
            LockSupport.parkNanos(STALL_PARK_NANOS);
        }
        stalled = false;
    }

    private void readBurst(PortEntry e) {
        TapPort tap = e.tap;
        int capacity = settings.readCapacity();
        for (int k = 0; k < settings.ingressBatch(); k++) {
            if (!claim()) {
                return;
            }
            Slot slot = ring.get(claimed);
            int length;
            try {
                length = tap.read(slot.frame.buffer(), Frame.readOffset(), capacity);
            } catch (PortException ex) {
                // A port that errors would be reported readable forever: stop watching it until it is re-added.
                e.stats.rxError();
                selector.deregister(tap);
                e.log.warn(LOG, "read failed, no longer reading from this port; remove and add it again", ex,
                        false);
                break;
            }
            if (length == TapPort.WOULD_BLOCK) {
                break;
            }
            slot.barrier = false;
            slot.frame.reset(e.number, length);
            e.stats.received(length);
            filled = claimed;
            claimed = NONE;
        }
        publishFilled();
    }

    private void publishBarrier(long generation) {
        long sequence = claimed;
        ring.get(sequence).barrier = true;
        filled = sequence;
        claimed = NONE;
        publishFilled();
        barrierSequence = sequence;
        barrierGeneration = generation;
    }

    private void publishFilled() {
        if (filled > published) {
            ring.publish(published + 1, filled);
            published = filled;
        }
    }

    // ---- status ---------------------------------------------------------------------------------------------------

    /** @return slots published but not yet released by the worker */
    long occupancy() {
        return Math.max(0, ring.getCursor() - processor.getSequence().get());
    }

    /** @return times ingress found the ring full */
    long publishStalls() {
        return (long) STALLS.getOpaque(this);
    }

    /** @return the datapath thread names */
    List<String> threadNames() {
        return List.of(ingressThread.getName(), workerThread.getName());
    }

    /** @return when the ring started, epoch milliseconds */
    long startMillis() {
        return startMillis;
    }

    /** @return the settings the ring was built with */
    RingSettings settings() {
        return settings;
    }

    /** @return whether both threads are running */
    boolean isRunning() {
        return running && ingressThread.isAlive() && workerThread.isAlive();
    }

    /**
     * Keeps the worker alive whatever escapes the handler (a bug in the datapath itself: module exceptions never get
     * here). The Disruptor's default handler would stop the worker, and with it the switch.
     */
    private static final class WorkerExceptionHandler implements ExceptionHandler<Slot> {

        private final RateLimitedLog log = new RateLimitedLog("ringswitch-worker");

        @Override
        public void handleEventException(Throwable ex, long sequence, Slot event) {
            if (log.allow()) {
                LOG.error("ringswitch-worker: unexpected exception at sequence {}; frame lost, ring continues",
                        sequence, ex);
            }
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("ringswitch-worker: start failed", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("ringswitch-worker: shutdown failed", ex);
        }
    }
}
