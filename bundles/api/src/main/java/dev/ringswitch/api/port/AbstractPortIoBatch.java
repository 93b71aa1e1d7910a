package dev.ringswitch.api.port;

import java.lang.foreign.MemorySegment;

/**
 * The bookkeeping every {@link PortIoBatch} shares: indexes, capacity, and "an add after a submit starts a new
 * batch". An implementation says how one operation is queued ({@link #queue}) and how a batch is run ({@link #run}).
 */
public abstract class AbstractPortIoBatch implements PortIoBatch {

    private final int capacity;
    private int queued;
    private boolean submitted;

    /**
     * @param capacity operations per batch, at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    protected AbstractPortIoBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity " + capacity + ": expected at least 1");
        }
        this.capacity = capacity;
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final int pending() {
        return submitted ? 0 : queued;
    }

    @Override
    public final int addRead(TapPort port, MemorySegment buffer, long offset, int capacity) {
        return add(port, buffer, offset, capacity, false);
    }

    @Override
    public final int addWrite(TapPort port, MemorySegment buffer, long offset, int length) {
        return add(port, buffer, offset, length, true);
    }

    private int add(TapPort port, MemorySegment buffer, long offset, int length, boolean write) {
        if (submitted) {
            submitted = false;
            queued = 0;
            begin();
        } else if (queued == capacity) {
            throw new IllegalStateException("batch full (" + queued + " operations): submit it first");
        }
        int index = queued;
        queue(index, port, buffer, offset, length, write);
        queued = index + 1;
        return index;
    }

    @Override
    public final void submit() {
        if (!submitted) {
            submitted = true;
            run(queued);
        }
    }

    /** A new batch starts: the previous one's results are no longer asked for. */
    protected void begin() {
    }

    /**
     * Queues operation {@code index}; if it throws, the operation is not part of the batch.
     *
     * @param write whether it is a write (else a read)
     */
    protected abstract void queue(int index, TapPort port, MemorySegment buffer, long offset, int length,
                                  boolean write);

    /**
     * Runs operations {@code 0..count-1} and waits for all; afterwards {@link #result} answers for each.
     *
     * @param count operations queued, possibly 0
     */
    protected abstract void run(int count);
}
