package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The switching thread, {@code ringswitch-worker}: reads the ports, runs the forwarding modules, and writes the
 * frames itself or hands them to the egress thread ({@link Egress}) through the ring.
 *
 * <p>One round: wait on the {@link ReadinessSelector}; adopt the newest {@link Plan} if it changed (stopping modules
 * that left, starting modules that joined, then acknowledging its generation) and publish a barrier if a control
 * thread asked for one; serve the ready ports round-robin, starting one further each round. Serving a port:
 * <ol>
 *   <li>read up to {@code ingressBatch} frames (the fairness quantum) into the worker's buffers, stopping early at
 *       EAGAIN: the port's kernel queue is then empty. A quiet port (at most one frame in its last turn) has one
 *       frame read, switched and written, and the worker waits again: a lone frame (a ping, a request, an ACK) costs
 *       no read that finds the queue empty, and the answer its destination sent during the write is read right away
 *       ({@link #serveLone});</li>
 *   <li>run the burst through the pipeline ({@link #switchBurst}): drop runts and over-long frames, fill each egress
 *       set with the hub default, run the modules module-major (module A over the whole burst, then module B), drop
 *       frames left without egress, ask the tagging module for each egress port's tag;</li>
 *   <li>write or hand over. If the read ended at EAGAIN (or the burst is bulk: GSO frames, over
 *       {@link #BULK_BURST_BYTES}) and the egress thread has written every frame handed to it for the burst's egress
 *       ports, the worker writes the burst itself ({@link FrameWriter}). Otherwise it hands the burst over through
 *       the ring and goes back to reading while the egress thread writes.</li>
 * </ol>
 *
 * <h2>Why this thread layout</h2>
 * On this class of machine (two cores, which the hosts' own network stacks and applications need as much as the
 * switch does) a frame costs two syscalls: a read that dequeues it and a write that runs the receiving host's
 * whole network stack in the writer's context. Handing every frame from a reading thread to a writing thread costs a
 * futex wake-up per idle period on top, and on a virtual CPU a wake-up is tens of microseconds: a ping through the
 * switch would pay two of them per hop. A single thread pays none, but cannot overlap the reads with the writes when
 * the ports are busy. So the worker writes inline exactly when nobody is waiting: the queue it read is empty (the
 * frames are not part of a train that keeps coming) and the egress thread has nothing pending for the ports the
 * burst goes to (so writing inline cannot overtake an earlier frame to the same port, and each port has one writer
 * at a time). Light and request-response traffic then costs one wake-up per hop and no hand-over; a backlog of small
 * frames (a read burst that hits the quantum) is pipelined over both threads, while traffic the other way, to other
 * ports, is still written inline. With offloads, TCP arrives as 64 KiB GSO frames; those stay on the worker even in a
 * backlog, because handing 64 KiB to the other core costs its cache lines twice, and a stream is switched at a
 * fraction of one core, which leaves the other core to the endpoints.
 *
 * <p>Pipelining pays only if the egress thread gets a core the switch would otherwise not use. On a machine with two
 * CPUs whose hosts keep one busy (a traffic generator, the receiving stack), it does not: the two switch threads
 * share one core, each frame's buffer and metadata cross between cores twice, and the measured CPU per small frame
 * rises by 10-20 % (bench/README.md). So {@code handOver = auto} (the default) pipelines only from
 * {@link HandOver#AUTO_MIN_CPUS} CPUs on; below, the worker runs every frame to completion and the ring carries only
 * barriers. {@code on} and {@code off} force either layout.
 *
 * <h2>Buffers</h2>
 * The worker reads each burst into {@code ingressBatch} {@link FrameBuffer}s of its own. Written inline, they are
 * simply read into again. Handed over, each is swapped into a ring entry the worker claims ({@link #handOver}); the
 * entry's previous buffer, which the egress thread has finished with, becomes the worker's. So the worker never
 * holds ring entries it has not published (the single-producer sequencer would expose them to the egress thread at
 * the next claim), a read that finds nothing costs no entry, and frames are never copied. When the ring is full the
 * worker counts one publish stall and parks in {@link Ring#STALL_PARK_NANOS} steps until the egress thread frees
 * room, leaving frames in the kernel's TAP queues (which drop and count them when full) instead of growing memory.
 *
 * <p>Threading: everything here is confined to the worker thread, except {@link #ackedGeneration()}. Modules are
 * called on this thread only ({@code onStart}/{@code onStop} included), never concurrently.
 */
final class Worker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /**
     * Bytes above which a burst that filled its quantum is still written inline: GSO frames are written best by the
     * thread that read them (a 64 KiB frame handed to the other core costs its cache lines twice), small frames are
     * worth pipelining.
     */
    static final long BULK_BURST_BYTES = 65_536;
    private static final VarHandle ACKED;
    private static final VarHandle BUSY_SINCE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ACKED = lookup.findVarHandle(Worker.class, "acked", long.class);
            BUSY_SINCE = lookup.findVarHandle(Worker.class, "busySince", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #busySince} while the worker is not inside a module. */
    static final long IDLE = 0;
    /** {@link #busySince} once the watchdog has given up on the call the worker is inside. */
    static final long ABANDONED = Long.MIN_VALUE;

    private final Ring ring;
    private final RingBuffer<Slot> buffer;
    private final ReadinessSelector selector;
    private final DropCounters drops;
    private final FrameWriter writer = new FrameWriter();
    /** Reads of a burst, then its writes (through {@link #writer}): one kernel submission each. */
    private final PortIoBatch io;
    private final int[] ready = new int[PortSet.CAPACITY];
    /** The worker's own buffers, one per frame of a burst. */
    private final FrameBuffer[] burst;
    /** The frames of the burst the modules see: runts and over-long ones excluded. */
    private final Frame[] frames;
    private final RateLimitedLog errors = new RateLimitedLog("ringswitch-worker");
    private Plan current;
    /** Generation of the plan in use; written by the worker, read by control threads. */
    @SuppressWarnings("unused")
    private volatile long acked = -1;
    /** The last sequence published to the egress thread. */
    private long published = -1;
    /** Whether backlogs go to the egress thread ({@code handOver}); if not, the worker writes every frame itself. */
    private final boolean pipelines;
    /** The egress ports of the burst being switched (see {@link #nothingPendingFor}). */
    private final PortSet burstEgress = new PortSet();
    /** Set by {@link #readBurst}: whether the last read found the queue empty, and the bytes it read. */
    private boolean drained;
    private long burstBytes;
    private int rotation;
    /** Counts the worker's returns from the selector; see {@link #serveLone}. */
    private long wakeups;
    /** Whether the last select took {@link #TRAIN_GAP_NANOS} or longer, i.e. blocked before ports became ready. */
    private boolean waited = true;
    /** How long the worker polls after a port's last frame while light traffic flows ({@code busyPoll}); 0: never. */
    private final long busyPollNanos;
    /** When the selector last reported a port (the probe port not included), for {@link #busyPollNanos}. */
    private long lastFrameNanos;
    /** Binds and releases the worker as {@code workerCpu} says; told the bytes read and the time of each wakeup. */
    private volatile WorkerPlacement placement;

    // The watchdog's view (see Ring): which module the worker is inside, since when, and whether it was given up.
    /** When the worker entered the current module call ({@code System.nanoTime()}, never 0), or {@link #IDLE}. */
    @SuppressWarnings("unused")
    private volatile long busySince = IDLE;
    /** The module it entered; written before {@link #busySince}, read after it. */
    private ModuleSlot busyModule;
    /** The call it entered, e.g. {@code process}. */
    private String busyCall;
    /** Set by the watchdog: a new worker has taken over; this one must touch nothing shared once its call returns. */
    private volatile boolean abandoned;
    /** The port and size of the burst being switched: lost if the worker is abandoned inside it. */
    private int burstPort = -1;
    private int burstCount;
    /** The burst the worker this one replaced was switching when it got stuck, to be counted as dropped. */
    private final int lostPort;
    private final int lostCount;

    /**
     * A worker, possibly one that takes over from a stuck one (see {@link Ring}): it then goes on from the stuck
     * worker's last published sequence and counts the burst the stuck worker was switching as dropped
     * ({@code module_error}).
     *
     * @param ring the ring's shared state
     * @param buffer the Disruptor ring
     * @param selector waits for readable ports
     * @param spares the worker's own buffers, {@code ingressBatch} of them
     * @param drops switch-wide drop counters
     * @param io the batch this worker's reads and writes go through; the worker closes it when it ends
     * @param stuck the worker it replaces, abandoned already, or {@code null}
     */
    Worker(Ring ring, RingBuffer<Slot> buffer, ReadinessSelector selector, FrameBuffer[] spares, DropCounters drops,
           PortIoBatch io, Worker stuck) {
        this.ring = ring;
        this.io = io;
        this.writer.use(io);
        this.buffer = buffer;
        this.selector = selector;
        this.drops = drops;
        this.burst = spares;
        this.frames = new Frame[spares.length];
        this.pipelines = ring.settings().handOver().pipelines();
        this.busyPollNanos = ring.busyPollMicros() * 1_000;
        // The stuck worker wrote these before it entered the module, and then busySince (a release store), which the
        // watchdog read (acquire) before it built this worker: they are visible here.
        this.published = stuck == null ? -1 : stuck.published;
        this.rotation = stuck == null ? 0 : stuck.rotation;
        this.wakeups = stuck == null ? 0 : stuck.wakeups;
        this.lostPort = stuck == null ? -1 : stuck.burstPort;
        this.lostCount = stuck == null ? 0 : stuck.burstCount;
    }

    /** @return the CPU this worker is bound to now, or -1; any thread */
    int boundCpu() {
        WorkerPlacement p = placement;
        return p == null ? -1 : p.boundCpu();
    }

    /** @return whether light traffic flows, whose latency counts (see {@link WorkerPlacement}); any thread */
    boolean latencySensitive() {
        WorkerPlacement p = placement;
        return p != null && p.latencySensitive();
    }

    /** @return the generation of the plan the worker uses; any thread */
    long ackedGeneration() {
        return (long) ACKED.getAcquire(this);
    }

    /** @return when the worker entered its current module call, or {@link #IDLE}; any thread (acquire) */
    long busySince() {
        return (long) BUSY_SINCE.getAcquire(this);
    }

    /** @return the module of the current call; read only after {@link #busySince()} returned non-IDLE */
    ModuleSlot busyModule() {
        return busyModule;
    }

    /** @return the current call's name; read only after {@link #busySince()} returned non-IDLE */
    String busyCall() {
        return busyCall;
    }

    /**
     * Watchdog: gives up on the worker if it is still inside the call it entered at {@code since}. The decision is
     * one compare-and-set against {@link #leave()}'s exchange, so either the call is still running and the worker
     * will learn it was abandoned as soon as it returns, or it has returned and the worker stays in charge: never
     * two workers on the ring.
     *
     * @param since the stamp the watchdog saw
     * @return whether the worker is abandoned
     */
    boolean abandon(long since) {
        if (!BUSY_SINCE.compareAndSet(this, since, ABANDONED)) {
            return false;
        }
        abandoned = true;
        return true;
    }

    /** Worker thread: about to call into {@code m}. One timestamp per module pass, not per frame. */
    private void enter(ModuleSlot m, String call, long now) {
        busyModule = m;
        busyCall = call;
        BUSY_SINCE.setRelease(this, now == IDLE || now == ABANDONED ? 1 : now);
    }

    /**
     * Worker thread: out of the module again. The exchange pairs with {@link #abandon(long)}.
     *
     * @return whether this worker is still in charge; if not, it must touch nothing shared any more
     */
    private boolean leave() {
        if ((long) BUSY_SINCE.getAndSet(this, IDLE) == ABANDONED) {
            abandoned = true;
        }
        return !abandoned;
    }

    @Override
    public void run() {
        try {
            placement = ring.openWorkerPlacement();
            switchUntilStopped();
        } finally {
            if (placement != null) {
                placement.close();
            }
            io.close();
        }
    }

    private void switchUntilStopped() {
        adopt(ring.plan());
        if (lostCount > 0 && !abandoned) {
            PortEntry in = current.ports[lostPort];
            for (int i = 0; i < lostCount; i++) {
                drops.add(DropReason.MODULE_ERROR);
                if (in != null) {
                    in.stats.rxDropped(DropReason.MODULE_ERROR);
                }
            }
        }
        while (ring.running() && !abandoned) {
            try {
                rounds();
            } catch (RuntimeException e) {
                // A bug or a failing selector must not end the worker, and with it the switch; back off and retry.
                if (errors.allow()) {
                    LOG.error("ringswitch-worker: unexpected exception; continuing", e);
                }
                LockSupport.parkNanos(Ring.STALL_PARK_NANOS);
            }
        }
        if (abandoned) {
            // The worker that replaced this one owns the modules now.
            return;
        }
        for (ModuleSlot m : current.modules) {
            stop(m);
        }
    }

    /**
     * Up to {@link #ROUNDS_PER_CALL} rounds. The loop that runs for the worker's whole life is entered once, so the
     * JIT would compile it only on-stack, after tens of thousands of rounds; until then every round went through the
     * interpreter (measured: 6-7 % of the worker's CPU on a ping path, on top of cold caches). A method called every
     * few rounds is compiled as usual, after a few thousand rounds (the start script's warm-up is enough), and the
     * interpreted loop around it runs once per call.
     */
    private void rounds() {
        for (int i = 0; i < ROUNDS_PER_CALL && ring.running() && !abandoned; i++) {
            round();
        }
    }

    /** See {@link #rounds()}. */
    private static final int ROUNDS_PER_CALL = 8;
    /**
     * Time between two looks at the ports while the worker polls ({@link #awaitReady}). A look is a system call;
     * looking back to back (about a million a second) left more pings slow after the hypervisor's periodic stall than
     * looking every 10 us (lab, twelve alternated rounds of 1,000 pings: RTT p99 lower in eleven, slow pings 104
     * against 228; bench/README.md), and a frame waits 5 us longer on average.
     */
    static final long POLL_GAP_NANOS = 10_000;
    /**
     * A select that returns within this long did not wait: what it reports was already queued (a train). A wait
     * that blocks costs a context switch and a wake-up, several microseconds even on bare metal; a return without
     * blocking costs about one system call.
     */
    static final long TRAIN_GAP_NANOS = 20_000;

    /**
     * One wakeup: wait for ready ports, adopt the plan, serve a barrier request, serve the ports. The plan is read
     * after the wait, so that a frame that arrives after a change was made is switched under it; a change made while
     * the worker waits wakes it.
     */
    private void round() {
        long before = System.nanoTime();
        int n = awaitReady(before);
        long after = System.nanoTime();
        wakeups++;
        placement.tick(after);
        Plan p = ring.plan();
        if (p != current) {
            adopt(p);
        }
        if (ring.barrierPending()) {
            publishBarrier(current.generation);
        }
        if (n <= 0) {
            return;
        }
        waited = after - before >= TRAIN_GAP_NANOS;
        int first = Math.floorMod(rotation++, n);
        for (int i = 0; i < n && !abandoned; i++) {
            int token = ready[(first + i) % n];
            if (token == Ring.PROBE_TOKEN) {
                readProbe();
                continue;
            }
            lastFrameNanos = after;
            PortEntry e = current.ports[token];
            if (e != null) {
                serve(e);
            }
        }
    }

    /**
     * Waits for ready ports: polls the selector without sleeping while light traffic flows and the last frame came
     * less than {@code busyPoll} ago (see {@link BusyPoll}), then sleeps in it. The poll ends early when a control
     * thread wants the worker (a new plan, a barrier, a stop), which it would otherwise learn only when the poll
     * ends; those threads also wake the selector, which ends a sleep.
     *
     * @param now {@code System.nanoTime()}
     * @return what {@link ReadinessSelector#select} returned
     */
    private int awaitReady(long now) {
        if (busyPollNanos > 0 && placement.latencySensitive()) {
            long deadline = lastFrameNanos + busyPollNanos;
            while (now - deadline < 0) {
                int n = selector.select(ready, 0);
                if (n != 0 || ring.plan() != current || ring.barrierPending() || !ring.running() || abandoned) {
                    return n;
                }
                long next = System.nanoTime() + POLL_GAP_NANOS;
                do {
                    Thread.onSpinWait();
                    now = System.nanoTime();
                } while (now - next < 0);
            }
        }
        return selector.select(ready, Ring.SELECT_TIMEOUT_MILLIS);
    }

    // ---- reading and handing over ----------------------------------------------------------------------------------

    /** Set while {@link #readProbe} reads: its frames are no traffic for {@link WorkerPlacement}. */
    private boolean probing;
    /** Probe frames read; written by the worker only. */
    private volatile long probeFrames;

    /**
     * Reads the probe port's frames through the same path as a port's and drops them: no module, counter or rate
     * sees them. What they are for is the reading itself (see {@link StallSentinels}).
     */
    private void readProbe() {
        PortEntry probe = ring.probeEntry();
        if (probe == null) {
            return;
        }
        probing = true;
        try {
            // One frame per read, each a plain read(2), on to the one that says EAGAIN: a batch through io_uring may
            // wait on an empty socket instead, and the worker with it, until the next probe (none once the traffic
            // is gone). The read that finds nothing is no waste: reading one probe per wakeup instead (the selector
            // would report a second one again) saved 550 reads a second and doubled the slow pings (bench/README).
            int k = 0;
            while (k < burst.length && readBurst(probe, 1) == 1) {
                k++;
            }
            probeFrames = probeFrames + k;
        } finally {
            probing = false;
        }
    }

    /** @return probe frames read so far; any thread */
    long probeFrames() {
        return probeFrames;
    }

    private void serve(PortEntry e) {
        if (e.lastBurst <= 1 && (waited || e.loneWakeup != wakeups - 1)) {
            serveLone(e, true);
            return;
        }
        int k = readBurst(e, burst.length);
        e.lastBurst = k;
        if (k > 0) {
            dispatch(e, k, drained || burstBytes > BULK_BURST_BYTES);
        }
    }

    /**
     * Serves a quiet port: its frame most likely comes alone (a request, an ACK), so it is switched and written
     * without looking for more, and the worker goes back to waiting. If more did come, the next wakeup reports the
     * port again at once, and a port reported again at once after a lone frame (the select returned within
     * {@link #TRAIN_GAP_NANOS}) is served as a busy one ({@link #serve}), so a train costs one extra wait, not one
     * per frame. A quiet port thus costs one read per frame where reading until EAGAIN cost two.
     *
     * <p>A frame written to a host usually gets its answer in the same system call: the write runs the host's
     * network stack, which replies (an echo, a TCP ACK) into its TAP before the write returns. So after writing a
     * lone frame inline to a single quiet port, the worker reads that port once ({@code mayFollow}), and switches the
     * answer before it waits again: a request and its response cross the switch in one wakeup, without the wait
     * that would only report the answer as ready. One hop only: the answer's own destination is not read, because
     * the requester is waiting for the answer, not about to send.
     *
     * @param mayFollow whether to read the port the frame went to
     */
    private void serveLone(PortEntry e, boolean mayFollow) {
        int got = readBurst(e, 1);
        e.lastBurst = got;
        if (got == 0) {
            return;
        }
        e.loneWakeup = wakeups;
        PortEntry out = dispatch(e, 1, true);
        if (mayFollow && out != null && out != e && out.lastBurst <= 1 && !out.readFailed && !abandoned) {
            serveLone(out, false);
        }
    }

    /**
     * Reads up to {@code max} frames into {@link #burst}, stopping at EAGAIN ({@link #drained}); counts their bytes
     * in {@link #burstBytes}. The reads go to the kernel in batches ({@link #io}): first as many as the port's last
     * burst had (at least one), then twice as many each time all of them returned a frame, so that a backlog costs
     * one submission per burst and a lone frame one plain read (a batch of one is a syscall, see the tap bundle) and
     * one that finds the queue empty.
     *
     * @return the frames read
     */
    private int readBurst(PortEntry e, int max) {
        TapPort tap = e.tap;
        int k = 0;
        int want = Math.max(1, e.lastBurst);
        boolean failed = false;
        burstBytes = 0;
        drained = false;
        while (k < max && !drained) {
            int n = Math.min(Math.min(want, max - k), io.capacity());
            for (int i = 0; i < n; i++) {
                FrameBuffer b = burst[k + i];
                if (e.vnet) {
                    io.addRead(tap, b.memory, FrameBuffer.VNET_READ_OFFSET, b.readCapacity() + VnetHeader.LENGTH);
                } else {
                    io.addRead(tap, b.frame.buffer(), Frame.readOffset(), b.readCapacity());
                }
            }
            io.submit();
            int got = 0;
            for (int i = 0; i < n; i++) {
                int length = io.result(i);
                if (length == TapPort.WOULD_BLOCK) {
                    drained = true;
                    continue;
                }
                if (length == PortIoBatch.FAILED) {
                    if (!failed) {
                        // A port that errors would be reported readable forever: stop watching it until it is
                        // re-added. Counted once, as when reading stopped at the first failed read.
                        failed = true;
                        e.readFailed = true;
                        e.stats.rxError();
                        selector.deregister(tap);
                        e.log.warn(LOG, "read failed, no longer reading from this port; remove and add it again",
                                io.failure(i), false);
                    }
                    drained = true;
                    continue;
                }
                // A frame may follow an empty read (it arrived in between): keep the burst's frames contiguous.
                int at = k + got;
                FrameBuffer b = burst[k + i];
                if (k + i != at) {
                    burst[k + i] = burst[at];
                    burst[at] = b;
                }
                if (e.vnet) {
                    b.vnet.load(b.memory, FrameBuffer.VNET_READ_OFFSET);
                    length = Math.max(0, length - VnetHeader.LENGTH);
                } else {
                    b.vnet.clear();
                }
                b.frame.reset(e.number, length);
                e.stats.received(length);
                burstBytes += length;
                got++;
            }
            k += got;
            want = 2 * n;
        }
        if (!probing) {
            placement.received(burstBytes, k);
        }
        return k;
    }

    /**
     * Switches the {@code k} frames just read from {@code e} and writes them, or hands them over.
     *
     * @param alone whether the frames are not part of a train that keeps coming (the queue was empty after them,
     *              or they are bulk), so that writing them here delays nothing
     * @return the port the frames were written to, if the worker wrote them itself and to that one port only;
     *         otherwise {@code null}
     */
    private PortEntry dispatch(PortEntry e, int k, boolean alone) {
        burstPort = e.number;
        burstCount = k;
        switchBurst(k);
        if (abandoned) {
            return null;
        }
        collectEgress(k);
        if ((alone || !pipelines) && nothingPendingFor(burstEgress)) {
            for (int i = 0; i < k; i++) {
                writer.write(burst[i]);
            }
            writer.flush();
            return burstEgress.size() == 1 ? current.ports[burstEgress.next(0)] : null;
        } else {
            handOver(k);
            for (int port = burstEgress.next(0); port >= 0; port = burstEgress.next(port + 1)) {
                PortEntry out = current.ports[port];
                if (out != null) {
                    out.pendingUntil = published;
                }
            }
            return null;
        }
    }

    /** Fills {@link #burstEgress} with every port a frame of the burst will be written to. */
    private void collectEgress(int n) {
        burstEgress.clear();
        for (int i = 0; i < n; i++) {
            FrameBuffer b = burst[i];
            if (b.plan != null && !b.frame.isDropped()) {
                PortSet egress = b.frame.egress();
                for (int port = egress.next(0); port >= 0; port = egress.next(port + 1)) {
                    burstEgress.add(port);
                }
            }
        }
    }

    /**
     * @return whether the egress thread has written every frame handed to it for these ports, so that the worker may
     *         write to them itself: no frame overtakes an earlier one to the same port, and each port has one writer
     */
    private boolean nothingPendingFor(PortSet ports) {
        long done = ring.egressSequence();
        if (done >= published) {
            return true;
        }
        for (int port = ports.next(0); port >= 0; port = ports.next(port + 1)) {
            PortEntry out = current.ports[port];
            if (out != null && out.pendingUntil > done) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands the burst's {@code n} buffers to the egress thread: claims ring entries, swaps each buffer with the
     * entry's (which the egress thread is done with) and publishes them, with one claim. If the ring has no room for
     * the whole burst, it counts one publish stall and parks until there is: meanwhile nothing is read, so frames
     * wait in the kernel's queues. Waiting for the whole burst rather than taking each entry as it frees up means one
     * sleep per burst instead of a spin per frame, which on two cores would take the CPU from the egress thread that
     * the worker is waiting for.
     */
    private void handOver(int n) {
        long hi;
        boolean stalled = false;
        while (true) {
            try {
                hi = buffer.tryNext(n);
                break;
            } catch (InsufficientCapacityException e) {
                if (!stalled) {
                    stalled = true;
                    ring.countStall();
                }
                if (!ring.running()) {
                    return;
                }
                LockSupport.parkNanos(Ring.STALL_PARK_NANOS);
            }
        }
        long lo = hi - n + 1;
        int i = 0;
        for (long seq = lo; seq <= hi; seq++) {
            Slot entry = buffer.get(seq);
            FrameBuffer free = entry.buffer;
            entry.buffer = burst[i];
            entry.barrier = false;
            burst[i++] = free;
        }
        buffer.publish(lo, hi);
        published = hi;
    }

    private void publishBarrier(long generation) {
        long seq;
        try {
            seq = buffer.tryNext();
        } catch (InsufficientCapacityException e) {
            return;
        }
        buffer.get(seq).barrier = true;
        buffer.publish(seq);
        published = seq;
        ring.barrierPublished(seq, generation);
    }

    // ---- switching ----------------------------------------------------------------------------------------------

    /** Runs {@code n} buffers of {@link #burst} through the pipeline; afterwards each is ready for the writer. */
    private void switchBurst(int n) {
        Plan p = current;
        boolean fenced = p.vlanFenced();
        PortSet flood = fenced ? p.plainUp : p.up;
        long now = p.stormControl ? System.nanoTime() : 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            FrameBuffer slot = burst[i];
            slot.plan = p;
            slot.tagged = false;
            Frame f = slot.frame;
            int in = f.ingressPort();
            if (f.length() < Frame.ETH_HEADER) {
                dropEarly(slot, DropReason.RUNT);
            } else if (f.length() > p.maxUntagged[in] && !slot.vnet.isGso() && overMtu(f, p, in)) {
                // A GSO frame is a train of segments that each fit the MTU; its length is bounded by the slot.
                dropEarly(slot, DropReason.TOO_LONG);
            } else if (fenced && p.vlanPorts.contains(in)) {
                dropEarly(slot, DropReason.VLAN_NOT_ALLOWED);
            } else if (now != 0 && (f.getByte(0) & 1) != 0 && overStormLimit(p, in, now)) {
                dropEarly(slot, DropReason.STORM);
            } else {
                PortSet egress = f.egress();
                egress.copyFrom(flood);
                egress.remove(in);
                frames[m++] = f;
            }
        }
        ModuleSlot[] modules = p.modules;
        for (int site = 0; site < modules.length; site++) {
            ModuleSlot module = modules[site];
            if (!module.isFailed()) {
                runModule(module, site, m);
                if (abandoned) {
                    return;
                }
            }
        }
        ModuleSlot tagger = p.tagger;
        boolean tagging = tagger != null && !tagger.isFailed();
        if (tagging) {
            enter(tagger, "egressTci", System.nanoTime());
        }
        // Again: a tagging module that failed during this burst left the frames after its failure unclassified.
        boolean fencedNow = p.vlanFenced();
        for (int i = 0; i < n && !abandoned; i++) {
            decide(burst[i], p, fencedNow);
        }
        if (tagging) {
            leave();
        }
        for (int i = 0; i < m; i++) {
            frames[i] = null;
        }
    }

    /**
     * Whether a frame longer than an untagged frame within the MTU carries more than the MTU once its tags (up to two,
     * 802.1Q or 802.1ad) are counted out. Only frames longer than MTU + 14 get here, so the common case costs one
     * comparison.
     */
    private static boolean overMtu(Frame f, Plan p, int in) {
        int length = f.length();
        if (length > p.maxFrame[in]) {
            return true;
        }
        int tags = 0;
        int at = 12;
        while (tags < 2 && length >= at + Frame.TAG_LENGTH + 2 && isTpid(f.getShort(at))) {
            tags++;
            at += Frame.TAG_LENGTH;
        }
        return length - tags * Frame.TAG_LENGTH > p.maxUntagged[in];
    }

    private static boolean isTpid(int type) {
        return type == Frame.TPID_8021Q || type == Frame.TPID_8021AD;
    }

    /**
     * Storm control for one broadcast or multicast frame: the generic cell rate algorithm over the port's theoretical
     * arrival time. Within the limit the time moves on by one interval; a frame that would put it further ahead of
     * now than the tolerance is over the limit (and does not move it).
     */
    private static boolean overStormLimit(Plan p, int in, long now) {
        PortEntry e = p.ports[in];
        long interval = p.stormIntervalNanos[in];
        if (e == null || interval == 0) {
            return false;
        }
        long tat = Math.max(e.stormTat, now);
        if (tat - now > p.stormToleranceNanos[in]) {
            return true;
        }
        e.stormTat = tat + interval;
        return false;
    }

    /** Dropped before the pipeline: modules never see frames they could not parse. No plan: nothing to write. */
    private void dropEarly(FrameBuffer slot, DropReason reason) {
        Frame f = slot.frame;
        slot.plan = null;
        f.drop(reason);
        drops.add(reason);
        PortEntry in = current.ports[f.ingressPort()];
        if (in != null) {
            in.stats.rxDropped(reason);
        }
    }

    /**
     * One module over the whole burst, timed once per burst (two clock reads per module per burst instead of two
     * per frame, which would cost as much as a small module itself).
     */
    private void runModule(ModuleSlot m, int site, int n) {
        ForwardingModule module = m.module;
        long start = System.nanoTime();
        if (m.batchStart) {
            enter(m, "onBatchStart", start);
            try {
                ModuleCalls.onBatchStart(site, module);
            } catch (Throwable t) {
                m.threw(t, "onBatchStart", current.failureThreshold);
            }
            busyCall = "process";
        } else {
            enter(m, "process", start);
        }
        int dropped = 0;
        int seen = 0;
        for (int i = 0; i < n && !m.isFailed(); i++) {
            Frame f = frames[i];
            boolean wasDropped = f.isDropped();
            seen++;
            try {
                ModuleCalls.process(site, module, f);
                m.succeeded();
            } catch (Throwable t) {
                f.drop(DropReason.MODULE_ERROR);
                m.threw(t, "process", current.failureThreshold);
            }
            if (!wasDropped && f.isDropped()) {
                dropped++;
            }
        }
        // Back from a call the watchdog may have given up on: the module is no one else's then, so its batch may
        // end, but nothing shared is touched any more (see run()).
        if (m.batchEnd) {
            busyCall = "onBatchEnd";
            endBatch(m, site);
        }
        if (!leave()) {
            return;
        }
        m.account(seen, dropped, System.nanoTime() - start);
        if (m.isFailed()) {
            stop(m);
        }
    }

    private void endBatch(ModuleSlot m, int site) {
        try {
            ModuleCalls.onBatchEnd(site, m.module);
        } catch (Throwable t) {
            m.threw(t, "onBatchEnd", current.failureThreshold);
        }
    }

    /**
     * After the modules: never back out of the ingress port, drop what has nowhere to go (counted against the
     * ingress port), and ask the tagging module for each egress port's tag while still on this thread.
     */
    private void decide(FrameBuffer slot, Plan p, boolean fenced) {
        if (slot.plan == null) {
            return;
        }
        Frame f = slot.frame;
        int in = f.ingressPort();
        PortSet egress = f.egress();
        if (!f.isDropped()) {
            egress.remove(in);
            if (fenced) {
                // Whatever a module added back: no VLAN port gets a frame nobody would tag, and a frame from a VLAN
                // port that nobody classified goes nowhere.
                egress.retainAll(p.plainUp);
                if (p.vlanPorts.contains(in)) {
                    f.drop(DropReason.VLAN_NOT_ALLOWED);
                }
            }
            if (!f.isDropped() && egress.isEmpty()) {
                f.drop(DropReason.NO_EGRESS);
            }
        }
        if (f.isDropped()) {
            drops.add(f.dropReason());
            PortEntry entry = p.ports[in];
            if (entry != null) {
                entry.stats.rxDropped(f.dropReason());
            }
            return;
        }
        ModuleSlot tagger = p.tagger;
        if (tagger == null || tagger.isFailed()) {
            return;
        }
        slot.tagged = true;
        for (int port = egress.next(0); port >= 0 && !abandoned; port = egress.next(port + 1)) {
            int tci = EgressTagging.UNTAGGED;
            if (p.up.contains(port)) {
                try {
                    tci = tagger.tagging.egressTci(f, port);
                } catch (Throwable t) {
                    tagger.threw(t, "egressTci", p.failureThreshold);
                    tci = FrameBuffer.TAGGING_FAILED;
                }
            }
            slot.tci[port] = tci;
        }
    }

    // ---- plans ----------------------------------------------------------------------------------------------------

    private void adopt(Plan next) {
        Plan old = current;
        if (old != null) {
            for (ModuleSlot m : old.modules) {
                if (!next.contains(m)) {
                    stop(m);
                    if (abandoned) {
                        return;
                    }
                }
            }
        }
        current = next;
        for (ModuleSlot m : next.modules) {
            if (!m.started && !m.isFailed()) {
                m.started = true;
                enter(m, "onStart", System.nanoTime());
                try {
                    m.module.onStart();
                    m.succeeded();
                } catch (Throwable t) {
                    m.threw(t, "onStart", next.failureThreshold);
                }
                if (!leave()) {
                    return;
                }
            }
        }
        ACKED.setRelease(this, next.generation);
    }

    private void stop(ModuleSlot m) {
        // A stalled module may still have the abandoned worker inside it: nobody calls it again.
        if (m.started && !m.isStalled()) {
            m.started = false;
            enter(m, "onStop", System.nanoTime());
            try {
                m.module.onStop();
            } catch (Throwable t) {
                m.threw(t, "onStop", current.failureThreshold);
            }
            leave();
        }
    }
}
