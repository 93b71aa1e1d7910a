package dev.ringswitch.api.port;

import java.lang.foreign.MemorySegment;

/**
 * Frame reads and writes on many ports, queued and then run together: the TAP provider submits a whole batch with one
 * {@code io_uring_enter} instead of one {@code read}/{@code write} syscall per frame (see {@link PortProvider#openBatch}).
 *
 * <p>Use: {@link #addRead}/{@link #addWrite} return the operation's index; {@link #submit} runs every queued
 * operation, in queue order, and returns when all are done; {@link #result} then tells each one's outcome, until
 * the next {@code add}, which starts a new batch. The buffers must not change between the {@code add} and the end of
 * {@link #submit}: the kernel reads (or fills) them during it.
 *
 * <p>Operations on the same port run in queue order. A read on a port with no frame queued completes at once with
 * {@link TapPort#WOULD_BLOCK}; a batch never waits for frames to arrive.
 *
 * <p>Threading: one thread at a time; a batch keeps no reference to buffers after {@link #submit} returns.
 */
public interface PortIoBatch extends AutoCloseable {

    /** {@link #result} of an operation that failed: {@link #failure} tells why. */
    int FAILED = -2;

    /**
     * A batch that runs each operation as a {@link TapPort#read}/{@link TapPort#write} call during {@link #submit}: for
     * providers without batched I/O, and the fallback where the kernel refuses {@code io_uring}.
     *
     * @param capacity operations per batch, at least 1
     * @return the batch
     */
    static PortIoBatch sequential(int capacity) {
        return new SequentialPortIoBatch(capacity);
    }

    /** @return how many operations fit in one batch */
    int capacity();

    /** @return operations queued since the last {@link #submit} */
    int pending();

    /**
     * Queues a read of one frame into {@code buffer} at {@code offset}, as {@link TapPort#read}.
     *
     * @param port an open port
     * @param buffer native memory, writable
     * @param offset where the frame goes
     * @param capacity bytes available there
     * @return the operation's index in this batch
     * @throws IllegalStateException if {@link #capacity} operations are queued already
     */
    int addRead(TapPort port, MemorySegment buffer, long offset, int capacity);

    /**
     * Queues a write of one frame from {@code buffer} at {@code offset}, as {@link TapPort#write}.
     *
     * @param port an open port
     * @param buffer native memory
     * @param offset where the frame starts
     * @param length the frame's length
     * @return the operation's index in this batch
     * @throws IllegalStateException if {@link #capacity} operations are queued already
     */
    int addWrite(TapPort port, MemorySegment buffer, long offset, int length);

    /** Runs every queued operation and waits until all are done. Nothing queued: returns at once. */
    void submit();

    /**
     * @param index an operation of the last submitted batch
     * @return the bytes transferred, {@link TapPort#WOULD_BLOCK} (the port's queue was empty, or full for a write), or
     *         {@link #FAILED}
     */
    int result(int index);

    /**
     * @param index an operation whose {@link #result} is {@link #FAILED}
     * @return the failure, naming the interface, the operation and the errno
     */
    PortException failure(int index);

    /** @return how the batch is run, for logs: e.g. {@code io_uring} or {@code one syscall per frame} */
    String mechanism();

    /** Releases the batch's kernel resources. Idempotent. */
    @Override
    void close();
}
