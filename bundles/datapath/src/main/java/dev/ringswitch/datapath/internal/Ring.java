package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The ring engine: one single-producer Disruptor ring of pre-allocated {@link Slot}s between the worker thread
 * ({@link Worker}: reads, modules, inline writes) and the egress thread ({@link Egress}: writes of frames handed
 * over). See {@link DatapathManager} for the design; this class owns the threads, the ring memory and the selector,
 * and the barrier protocol that lets control threads wait for the datapath to let go of a module or a port.
 *
 * <h2>The watchdog</h2>
 * Modules run on the worker thread, which also reads every port, so a module call that does not return stalls the
 * whole switch. A third thread, {@code ringswitch-watchdog}, looks at the worker {@code moduleStallMillis / 4}
 * apart: the worker stamps the time when it enters a module (once per module per burst, not per frame) and clears
 * the stamp when it leaves. The same stamp seen on four looks in a row and older than {@code moduleStallMillis} is a
 * stall (a single long look, such as a GC pause that stopped every thread, is not enough). Java cannot safely
 * interrupt or stop a thread inside foreign code, so the watchdog does not try: it marks the module FAILED and
 * stalled (no thread calls it again, not even its onStop), tells the stuck worker it is abandoned, and starts a new
 * worker thread with fresh buffers that goes on from the stuck one's last published sequence and counts the stuck
 * burst as dropped ({@code module_error}). If the stuck call ever returns, the abandoned thread ends the module's
 * batch and exits without touching ports, counters or the ring. The cost: the frames of one burst, the stuck
 * thread (and its buffers' memory, kept until the ring stops), and the module, until it is deployed again.
 *
 * <p>Ring memory: {@code ringSize + ingressBatch} {@link FrameBuffer}s of {@code frameSize} bytes (one per ring
 * entry, plus the worker's spares), each cache-line aligned, in one off-heap segment. If the aligned size is a
 * multiple of the page size, one cache line is added between buffers, so that the first bytes of consecutive buffers
 * (the headers every module reads) do not all fall into the same cache set.
 */
final class Ring {

    private static final Logger LOG = LoggerFactory.getLogger(Ring.class);

    /** How long the worker parks between checks while the ring is full, in nanoseconds. */
    static final long STALL_PARK_NANOS = 20_000;
    /** Upper bound on one selector wait, in milliseconds; wakeups make it return sooner. A safety net only. */
    static final int SELECT_TIMEOUT_MILLIS = 1000;
    /** Looks in a row that must find the worker inside the same module call before the watchdog steps in. */
    static final int STALL_LOOKS = 3;
    /** How long a control thread parks between checks while waiting for the datapath, in nanoseconds. */
    static final long QUIESCE_POLL_NANOS = 50_000;
    /** Alignment of each slot's memory: a cache line. */
    static final long SLOT_ALIGNMENT = 64;
    /** The page size the buffer stride avoids being a multiple of (see the class comment). */
    static final long PAGE = 4096;

    private static final VarHandle STALLS;

    static {
        try {
            STALLS = MethodHandles.lookup().findVarHandle(Ring.class, "publishStalls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RingSettings settings;
    /** What {@code stallSentinels = auto} decided by, read once for this ring. */
    private final Optional<String> damon;
    /** What {@code busyPoll} came to on this machine, in microseconds; 0 for none. */
    private final long busyPollMicros;
    private final Arena arena = Arena.ofShared();
    private final long stride;
    private final RingBuffer<Slot> ring;
    private final ReadinessSelector selector;
    private final PortProvider provider;
    /** The egress thread's writes; each worker has its own. */
    private final PortIoBatch egressBatch;
    private final DropCounters drops;
    private final BatchEventProcessor<Slot> processor;
    private final Thread egressThread;
    private final Thread watchdogThread;
    /** The worker and its thread; replaced by the watchdog when a module stalls. Guarded by this for writes. */
    private volatile Worker worker;
    /** Take the hypervisor's periodic stall in the worker's place ({@code stallSentinels}); else null. */
    private volatile StallSentinels sentinels;

    /**
     * The selector token of the probe port: above every port number. The probe is a loopback pair from the provider,
     * read by the worker like a port; the sentinels write a frame into it every few periods while light traffic flows
     * (see {@link StallSentinels}).
     */
    static final int PROBE_TOKEN = PortSet.CAPACITY;
    /** The probe frame: the length of the smallest Ethernet frame, all zeros (read and dropped unseen). */
    private static final int PROBE_LENGTH = 60;
    /** The probe pair (read end, write end) while the sentinels run, else null. */
    private TapPort[] probe;
    private volatile PortEntry probeEntry;
    private MemorySegment probeFrame;
    private volatile Thread workerThread;
    /** Worker threads given up on, still inside a module call or ended. */
    private final List<Thread> abandoned = new CopyOnWriteArrayList<>();
    /** moduleStallMillis; the watchdog reads it on every look. */
    private volatile long stallMillis = GuardSettings.DEFAULT_MODULE_STALL_MILLIS;
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

    /**
     * Allocates the ring memory and builds the threads (not started).
     *
     * @param settings ring settings
     * @param provider opens the selector
     * @param initial the plan to start with
     * @param drops switch-wide drop counters
     * @param egressWriter the egress thread's writer
     */
    Ring(RingSettings settings, PortProvider provider, Plan initial, DropCounters drops, FrameWriter egressWriter) {
        this.settings = settings;
        this.damon = settings.damonSampling();
        this.busyPollMicros = settings.busyPoll().micros(VirtualMachine.detected(),
                provider.allowedCpus().cardinality());
        this.plan = initial;
        this.drops = drops;
        long aligned = (settings.frameSize() + SLOT_ALIGNMENT - 1) / SLOT_ALIGNMENT * SLOT_ALIGNMENT;
        this.stride = aligned % PAGE == 0 ? aligned + SLOT_ALIGNMENT : aligned;
        long count = settings.ringSize() + settings.ingressBatch();
        MemorySegment memory = arena.allocate(count * stride, SLOT_ALIGNMENT);
        int[] next = {0};
        Supplier<FrameBuffer> buffers = () -> new FrameBuffer(memory.asSlice(next[0]++ * stride,
                settings.frameSize()));
        this.ring = RingBuffer.createSingleProducer(() -> new Slot(buffers.get()), settings.ringSize(),
                settings.waitStrategy().create());
        FrameBuffer[] spares = new FrameBuffer[settings.ingressBatch()];
        Arrays.setAll(spares, i -> buffers.get());
        this.selector = provider.openSelector();
        this.provider = provider;
        this.egressBatch = openBatch();
        egressWriter.use(egressBatch);
        this.processor = new BatchEventProcessorBuilder().setMaxBatchSize(settings.workerBatch())
                .build(ring, ring.newBarrier(), new Egress(egressWriter));
        this.processor.setExceptionHandler(new EgressExceptionHandler());
        ring.addGatingSequences(processor.getSequence());
        this.worker = new Worker(this, ring, selector, spares, drops, openBatch(), null);
        this.workerThread = new Thread(worker, "ringswitch-worker");
        this.egressThread = new Thread(processor, "ringswitch-egress");
        this.watchdogThread = new Thread(this::watchdog, "ringswitch-watchdog");
        workerThread.setDaemon(true);
        egressThread.setDaemon(true);
        watchdogThread.setDaemon(true);
    }

    /** @param millis how long one module call may take before the watchdog steps in; applies at its next look */
    void watch(long millis) {
        stallMillis = millis;
    }

    /** Registers the plan's ports and starts both threads. */
    void start() {
        for (PortEntry e : plan.ports) {
            if (e != null) {
                register(e);
            }
        }
        running = true;
        egressThread.start();
        workerThread.start();
        watchdogThread.start();
        if (settings.sentinelsOn(damon)) {
            openProbe();
            sentinels = new StallSentinels(provider, () -> worker.latencySensitive(),
                    probeEntry == null ? null : this::sendProbe);
        }
    }

    private void openProbe() {
        try {
            TapPort[] pair = provider.openLoopbackPair();
            probeFrame = arena.allocate(PROBE_LENGTH);
            probe = pair;
            probeEntry = new PortEntry(PROBE_TOKEN, pair[0], PortConfig.of(pair[0].name()));
            selector.register(pair[0], PROBE_TOKEN);
        } catch (UnsupportedOperationException | PortException e) {
            // The sentinels still take their share of the stall; only the first frame after it is not covered.
            LOG.info("stall sentinels run without a probe port: {}", e.getMessage());
        }
    }

    /** Sentinel thread: one probe frame; a full socket buffer (the worker is behind) loses it, which is harmless. */
    void sendProbe() {
        probe[1].write(probeFrame, 0, PROBE_LENGTH);
    }

    /** @return probe frames the worker has read (for tests and diagnosis) */
    long probeFramesRead() {
        return worker.probeFrames();
    }

    /** @return what {@code stallSentinels = auto} decided this ring's sentinels by (see {@link RingSettings}) */
    Optional<String> damonSampling() {
        return damon;
    }

    /** @return how long the worker polls after a frame while light traffic flows, in microseconds; 0 for never */
    long busyPollMicros() {
        return busyPollMicros;
    }

    /** @return whether the worker counts the traffic as latency-sensitive now (see {@link WorkerPlacement}) */
    boolean latencySensitive() {
        return worker.latencySensitive();
    }

    /** @return the probe port's entry for the worker, or null without one */
    PortEntry probeEntry() {
        return probeEntry;
    }

    /**
     * Stops the worker (which stops the modules), lets the egress thread write every frame already published
     * (bounded), then stops it, closes the selector and frees the ring memory. Ports stay open.
     *
     * @param timeoutMillis how long to wait for each thread
     */
    void stop(long timeoutMillis) {
        synchronized (this) {
            // Under the watchdog's lock: no worker is replaced once stopping began.
            running = false;
        }
        selector.wakeup();
        if (sentinels != null) {
            sentinels.stop(timeoutMillis);
        }
        LockSupport.unpark(watchdogThread);
        join(watchdogThread, timeoutMillis);
        join(workerThread, timeoutMillis);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (processor.getSequence().get() < ring.getCursor() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(QUIESCE_POLL_NANOS);
        }
        processor.halt();
        join(egressThread, timeoutMillis);
        selector.close();
        if (probe != null && !workerThread.isAlive()) {
            probe[0].close();
            probe[1].close();
        }
        if (!egressThread.isAlive()) {
            egressBatch.close();
        }
        if (!workerThread.isAlive() && !egressThread.isAlive() && abandoned.stream().noneMatch(Thread::isAlive)) {
            arena.close();
        } else if (workerThread.isAlive() || egressThread.isAlive()) {
            // Freeing memory a live thread still touches would crash it; leave it to the GC-less leak instead.
            LOG.error("datapath threads did not stop within {} ms; ring memory not released", timeoutMillis);
        } else {
            LOG.warn("a worker thread abandoned inside a stuck module is still alive; ring memory not released");
        }
    }

    // ---- the watchdog ---------------------------------------------------------------------------------------------

    /** Looks at the worker every quarter of the stall limit; replaces it when one module call outlasts the limit. */
    private void watchdog() {
        long seen = Worker.IDLE;
        int looks = 0;
        while (running) {
            long limit = stallMillis;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, limit / 4)));
            Worker w = worker;
            long since = w.busySince();
            if (since == Worker.IDLE || since != seen) {
                seen = since;
                looks = 0;
                continue;
            }
            looks++;
            long inside = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            if (looks >= STALL_LOOKS && inside >= limit) {
                replace(w, since, inside);
                seen = Worker.IDLE;
                looks = 0;
            }
        }
    }

    /** Watchdog: isolates the module {@code stuck} is inside and hands the ring to a new worker thread. */
    private synchronized void replace(Worker stuck, long since, long inside) {
        if (!running || stuck != worker || !stuck.abandon(since)) {
            // Stopping, replaced already, or the call returned just now: the worker carries on.
            return;
        }
        ModuleSlot module = stuck.busyModule();
        Thread old = workerThread;
        module.stalled(stuck.busyCall(), inside, old);
        old.setName("ringswitch-worker-abandoned");
        abandoned.add(old);
        FrameBuffer[] spares = new FrameBuffer[settings.ingressBatch()];
        MemorySegment memory = arena.allocate(spares.length * stride, SLOT_ALIGNMENT);
        for (int i = 0; i < spares.length; i++) {
            spares[i] = new FrameBuffer(memory.asSlice(i * stride, settings.frameSize()));
        }
        Worker next = new Worker(this, ring, selector, spares, drops, openBatch(), stuck);
        Thread thread = new Thread(next, "ringswitch-worker");
        thread.setDaemon(true);
        worker = next;
        workerThread = thread;
        thread.start();
    }

    /**
     * Worker thread, as it starts: opens its placement, which binds it to the CPU {@code workerCpu} names, or lets
     * its load decide (see {@link WorkerPlacement}).
     *
     * @return the placement, closed by the worker as it ends
     */
    WorkerPlacement openWorkerPlacement() {
        return WorkerPlacement.open(settings.workerCpu(), provider, System.nanoTime(), this::wakeSentinels);
    }

    /** Worker thread, as light traffic begins: paused sentinels run now, not at their next check. */
    private void wakeSentinels() {
        StallSentinels s = sentinels;
        if (s != null) {
            s.wake();
        }
    }

    /** @return a batch for one datapath thread's frame I/O, as {@code ioEngine} says */
    private PortIoBatch openBatch() {
        return settings.ioEngine() == IoEngine.IO_URING
                ? provider.openBatch(settings.ioBatch())
                : PortIoBatch.sequential(settings.ioBatch());
    }

    /** @return worker threads abandoned inside a stuck module so far */
    int abandonedWorkers() {
        return abandoned.size();
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
     * Publishes a new plan; the worker adopts it at its next round.
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
     * Waits until the egress thread has written every frame switched before plan {@code generation} took effect in
     * the worker, and the worker runs that plan: afterwards neither thread touches anything the plan removed.
     * Implemented by asking the worker for a barrier slot published under the plan and waiting until the egress
     * thread's sequence passes it; this also works when the ring is idle, since the barrier itself wakes the egress
     * thread. (Frames the worker writes inline are written before it reads again, so before it adopts a plan.)
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
            if (System.nanoTime() - deadline >= 0 || !workerThread.isAlive() || !egressThread.isAlive()) {
                return false;
            }
            LockSupport.parkNanos(QUIESCE_POLL_NANOS);
        }
    }

    // ---- for the worker -------------------------------------------------------------------------------------------

    /** @return whether the threads should keep running */
    boolean running() {
        return running;
    }

    /** @return whether a control thread waits for a barrier the worker has not published yet */
    boolean barrierPending() {
        return barrierRequested > barrierGeneration;
    }

    /**
     * Worker: a barrier slot went out.
     *
     * @param sequence its sequence
     * @param generation the plan the worker ran when it published it
     */
    void barrierPublished(long sequence, long generation) {
        barrierSequence = sequence;
        barrierGeneration = generation;
    }

    /** Worker: the ring was found full. */
    void countStall() {
        STALLS.setOpaque(this, publishStalls + 1);
    }

    /** @return the last sequence the egress thread has finished writing */
    long egressSequence() {
        return processor.getSequence().get();
    }

    // ---- status ---------------------------------------------------------------------------------------------------

    /** @return slots published but not yet released by the egress thread */
    long occupancy() {
        return Math.max(0, ring.getCursor() - processor.getSequence().get());
    }

    /** @return times the worker found the ring full */
    long publishStalls() {
        return (long) STALLS.getOpaque(this);
    }

    /** @return the datapath thread names */
    List<String> threadNames() {
        List<String> names = new ArrayList<>(List.of(workerThread.getName(), egressThread.getName()));
        if (sentinels != null) {
            names.addAll(sentinels.threadNames());
        }
        return List.copyOf(names);
    }

    /** @return the CPU the worker is bound to now, or -1 */
    int workerBoundCpu() {
        Worker w = worker;
        return w == null ? -1 : w.boundCpu();
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
        return running && workerThread.isAlive() && egressThread.isAlive();
    }

    /**
     * Keeps the egress thread alive whatever escapes the handler (a bug in the datapath itself). The Disruptor's
     * default handler would stop the thread, and with it the switch.
     */
    private static final class EgressExceptionHandler implements ExceptionHandler<Slot> {

        private final RateLimitedLog log = new RateLimitedLog("ringswitch-egress");

        @Override
        public void handleEventException(Throwable ex, long sequence, Slot event) {
            if (log.allow()) {
                LOG.error("ringswitch-egress: unexpected exception at sequence {}; frame lost, ring continues",
                        sequence, ex);
            }
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("ringswitch-egress: start failed", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("ringswitch-egress: shutdown failed", ex);
        }
    }
}
