package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.AbstractPortIoBatch;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.function.Consumer;

/**
 * A {@link PortIoBatch} on an {@code io_uring} of its own: each queued read or write becomes one submission queue
 * entry, and {@link #submit} hands the whole batch to the kernel with one {@code io_uring_enter}, which also waits for
 * the completions. Every entry is flagged {@code RWF_NOWAIT}, so every operation completes inside that call (a read
 * of an empty queue with {@code EAGAIN}): the batch costs one system call instead of one per frame, and the kernel runs the
 * reads (or writes) back to back.
 *
 * <h2>The ring</h2>
 * Set up with {@code io_uring_setup(2)} (flag {@code IORING_SETUP_SUBMIT_ALL}: one bad entry does not stop the
 * rest) and mapped twice: the rings (submission and completion queue heads, tails and arrays, one mapping since
 * {@code IORING_FEAT_SINGLE_MMAP}) and the submission queue entries. The submission array is the identity, written
 * once, so an entry is filled in place at {@code tail & mask}. The tails and heads the kernel shares are read with
 * acquire and written with release semantics (the kernel's {@code smp_load_acquire}/{@code smp_store_release}
 * counterparts). Entry {@code i} of the batch carries {@code i} as its {@code user_data}: completions may be posted in
 * any order. The completion queue holds twice the entries and is drained after every {@code io_uring_enter}, so it
 * cannot overflow.
 *
 * <p>A batch of one operation is run as a plain {@code read} or {@code write} instead: for a lone frame the ring's
 * round trip costs more than it saves.
 *
 * <p>Threading: one thread at a time (the ring is not shared); {@link #close} from any thread once that thread is done.
 */
final class IoUringBatch extends AbstractPortIoBatch {

    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final byte IORING_OP_READ = 22;
    private static final byte IORING_OP_WRITE = 23;
    private static final long IORING_OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    /** {@code struct io_uring_params}: 120 bytes; offsets of the fields used. */
    private static final int PARAMS_SIZE = 120;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;
    private static final long NO_OFFSET = -1;
    /**
     * {@code rw_flags} of every entry. io_uring does not go by the descriptor's {@code O_NONBLOCK}: a read of an empty
     * TAP queue would be parked until a frame arrives (and the batch with it). {@code RWF_NOWAIT} makes it complete at
     * once with {@code EAGAIN}, as a non-blocking {@code read} does.
     */
    private static final int RWF_NOWAIT = 0x8;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = LibC.allocateErrnoState(arena);
    private final Consumer<IoUringBatch> onClose;
    private final int ringFd;
    private final int entries;
    private final MemorySegment rings;
    private final long ringsLength;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final int sqMask;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    private int localSqTail;

    private final NativeTapPort[] ports;
    private final MemorySegment[] buffers;
    private final long[] offsets;
    private final long[] addresses;
    private final int[] lengths;
    /** Operations to run (a closed port's fails at {@link #queue}): with exactly one, a plain syscall is cheaper. */
    private int submittable;
    private final boolean[] writes;
    private final int[] results;
    private final int[] errnos;
    /** Operations in the batch being run. */
    private int count;
    private volatile boolean closed;

    /**
     * @param capacity operations per batch (the kernel rounds the ring up to a power of two)
     * @param onClose told when the batch is closed
     * @throws PortException if the kernel refuses io_uring (ENOSYS, EPERM under a seccomp filter or
     *                       {@code kernel.io_uring_disabled}, ENOMEM), naming the errno
     */
    IoUringBatch(int capacity, Consumer<IoUringBatch> onClose) {
        super(capacity);
        if (capacity > 4096) {
            throw new IllegalArgumentException("batch capacity " + capacity + ": expected 1..4096");
        }
        this.onClose = onClose;
        MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
        params.set(ValueLayout.JAVA_INT, 8, IORING_SETUP_SUBMIT_ALL);
        int fd = (int) LibC.syscall(errno, SYS_IO_URING_SETUP, capacity, params.address(), 0, 0, 0, 0);
        if (fd < 0) {
            int e = LibC.errno(errno);
            arena.close();
            throw Errno.ioFailure("io_uring", "io_uring_setup", e);
        }
        this.ringFd = fd;
        try {
            this.entries = params.get(ValueLayout.JAVA_INT, 0);
            int cqEntries = params.get(ValueLayout.JAVA_INT, 4);
            int features = params.get(ValueLayout.JAVA_INT, 20);
            if ((features & IORING_FEAT_SINGLE_MMAP) == 0) {
                throw Errno.ioFailure("io_uring", "io_uring_setup (kernel without IORING_FEAT_SINGLE_MMAP)",
                        Errno.ENOSYS);
            }
            int sqArray = params.get(ValueLayout.JAVA_INT, 40 + 24);
            int cqesOffset = params.get(ValueLayout.JAVA_INT, 80 + 20);
            this.ringsLength = Math.max(sqArray + 4L * entries, cqesOffset + (long) CQE_SIZE * cqEntries);
            this.rings = map(ringsLength, 0);
            try {
                this.sqes = map((long) SQE_SIZE * entries, IORING_OFF_SQES);
            } catch (RuntimeException e) {
                LibC.munmap(errno, rings.address(), ringsLength);
                throw e;
            }
            this.sqHead = params.get(ValueLayout.JAVA_INT, 40);
            this.sqTail = params.get(ValueLayout.JAVA_INT, 44);
            this.sqMask = rings.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, 48));
            this.cqHead = params.get(ValueLayout.JAVA_INT, 80);
            this.cqTail = params.get(ValueLayout.JAVA_INT, 84);
            this.cqMask = rings.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, 88));
            this.cqes = cqesOffset;
            for (int i = 0; i < entries; i++) {
                rings.set(ValueLayout.JAVA_INT, sqArray + 4L * i, i);
            }
            this.localSqTail = (int) INT.getAcquire(rings, sqTail);
        } catch (RuntimeException e) {
            LibC.close(errno, fd);
            arena.close();
            throw e;
        }
        this.ports = new NativeTapPort[capacity];
        this.buffers = new MemorySegment[capacity];
        this.offsets = new long[capacity];
        this.addresses = new long[capacity];
        this.lengths = new int[capacity];
        this.writes = new boolean[capacity];
        this.results = new int[capacity];
        this.errnos = new int[capacity];
    }

    private MemorySegment map(long length, long offset) {
        long address = LibC.mmap(errno, length, PROT_READ_WRITE, MAP_SHARED_POPULATE, ringFd, offset);
        if (address == -1) {
            throw Errno.ioFailure("io_uring", "mmap", LibC.errno(errno));
        }
        return MemorySegment.ofAddress(address).reinterpret(length);
    }

    @Override
    protected void begin() {
        submittable = 0;
    }

    @Override
    protected void queue(int i, TapPort port, MemorySegment buffer, long offset, int length, boolean write) {
        if (!(port instanceof NativeTapPort tap)) {
            throw new IllegalArgumentException("port " + port.name() + " was not opened by the TAP provider");
        }
        addresses[i] = LibC.checkBuffer(buffer, offset, length, !write);
        offsets[i] = offset;
        ports[i] = tap;
        buffers[i] = buffer;
        lengths[i] = length;
        writes[i] = write;
        if (tap.isClosed()) {
            // Its descriptor number may belong to something else by now: never submitted.
            results[i] = FAILED;
            errnos[i] = Errno.EBADF;
        } else {
            results[i] = Integer.MIN_VALUE;
            submittable++;
        }
    }

    @Override
    protected void run(int count) {
        this.count = count;
        try {
            if (closed || submittable == 0) {
                return;
            }
            if (submittable == 1) {
                // A lone frame (a ping, an ACK): one read or write syscall costs less than a ring round trip, and
                // touches less memory after an idle period.
                single();
                return;
            }
            for (int i = 0; i < count; i++) {
                if (results[i] == Integer.MIN_VALUE) {
                    prepare(i);
                }
            }
            enter();
        } finally {
            release();
        }
    }

    /** Fills the next submission queue entry with operation {@code i}. */
    private void prepare(int i) {
        long sqe = (long) (localSqTail & sqMask) * SQE_SIZE;
        sqes.set(ValueLayout.JAVA_LONG, sqe, writes[i] ? IORING_OP_WRITE : IORING_OP_READ);
        sqes.set(ValueLayout.JAVA_INT, sqe + 4, ports[i].fd());
        sqes.set(ValueLayout.JAVA_LONG, sqe + 8, NO_OFFSET);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 16, addresses[i]);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 24, lengths[i] & 0xFFFF_FFFFL | (long) RWF_NOWAIT << 32);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 32, i);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 40, 0L);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 48, 0L);
        sqes.set(ValueLayout.JAVA_LONG, sqe + 56, 0L);
        localSqTail++;
    }

    /** Publishes the prepared entries and waits until every one has completed. */
    private void enter() {
        int toSubmit = localSqTail - (int) INT.getAcquire(rings, sqTail);
        INT.setRelease(rings, sqTail, localSqTail);
        int outstanding = toSubmit;
        int notSubmitted = toSubmit;
        while (outstanding > 0) {
            long r = LibC.syscall(errno, SYS_IO_URING_ENTER, ringFd, notSubmitted, outstanding,
                    IORING_ENTER_GETEVENTS, 0, 0);
            if (r < 0) {
                int e = LibC.errno(errno);
                // EBUSY: the completion queue is full (cannot happen here, see the class comment): reap and retry.
                if (e == Errno.EINTR || e == Errno.EAGAIN || e == Errno.EBUSY) {
                    outstanding -= reap();
                    continue;
                }
                failUnfinished(e);
                return;
            }
            notSubmitted -= (int) r;
            outstanding -= reap();
        }
    }

    /** Runs the batch's one submittable operation as the port's own {@code read}/{@code write}. */
    private void single() {
        int i = 0;
        while (results[i] != Integer.MIN_VALUE) {
            i++;
        }
        NativeTapPort port = ports[i];
        try {
            results[i] = writes[i]
                    ? port.write(buffers[i], offsets[i], lengths[i])
                    : port.read(buffers[i], offsets[i], lengths[i]);
        } catch (PortException e) {
            results[i] = FAILED;
            errnos[i] = e.errno();
        }
    }

    /** @return completions taken off the completion queue */
    private int reap() {
        int head = (int) INT.getAcquire(rings, cqHead);
        int tail = (int) INT.getAcquire(rings, cqTail);
        int n = 0;
        for (; head != tail; head++, n++) {
            long cqe = cqes + (long) (head & cqMask) * CQE_SIZE;
            int i = (int) rings.get(ValueLayout.JAVA_LONG, cqe);
            int res = rings.get(ValueLayout.JAVA_INT, cqe + 8);
            if (res >= 0) {
                results[i] = res;
            } else if (res == -Errno.EAGAIN) {
                results[i] = TapPort.WOULD_BLOCK;
            } else {
                results[i] = FAILED;
                errnos[i] = -res;
            }
        }
        INT.setRelease(rings, cqHead, head);
        return n;
    }

    /** io_uring_enter itself failed: the entries it did not take are withdrawn, the unfinished ones failed. */
    private void failUnfinished(int e) {
        INT.setRelease(rings, sqTail, (int) INT.getAcquire(rings, sqHead));
        localSqTail = (int) INT.getAcquire(rings, sqTail);
        for (int i = 0; i < count; i++) {
            if (results[i] == Integer.MIN_VALUE) {
                results[i] = FAILED;
                errnos[i] = e;
            }
        }
    }

    private void release() {
        for (int i = 0; i < count; i++) {
            // The kernel used the buffers through raw addresses: keep each segment (and its arena) alive until here.
            Reference.reachabilityFence(buffers[i]);
            buffers[i] = null;
        }
    }

    @Override
    public int result(int index) {
        return results[index];
    }

    @Override
    public PortException failure(int index) {
        return ports[index].failure(writes[index], errnos[index]);
    }

    @Override
    public String mechanism() {
        return "io_uring";
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LibC.munmap(errno, rings.address(), ringsLength);
        LibC.munmap(errno, sqes.address(), sqes.byteSize());
        LibC.close(errno, ringFd);
        arena.close();
        onClose.accept(this);
    }
}
