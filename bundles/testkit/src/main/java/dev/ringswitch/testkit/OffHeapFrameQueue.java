package dev.ringswitch.testkit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer/single-consumer queue of frames in off-heap memory, the in-memory stand-in for a kernel
 * TAP queue.
 *
 * <p>Every slot is a fixed-size piece of one off-heap segment; offering copies the frame into the slot and polling
 * copies it out, so that steady-state traffic allocates nothing on either side (the bench relies on it). The head and
 * tail indices are published with release stores and read with acquire loads, Lamport style: exactly one thread may
 * offer and one other thread may poll at a time. A full queue refuses the frame and counts it, as the kernel's
 * {@code txqueuelen} does.
 */
public final class OffHeapFrameQueue {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle DROPPED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(OffHeapFrameQueue.class, "head", long.class);
            TAIL = lookup.findVarHandle(OffHeapFrameQueue.class, "tail", long.class);
            DROPPED = lookup.findVarHandle(OffHeapFrameQueue.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int mask;
    private final int slotSize;
    private final MemorySegment slots;
    private final int[] lengths;

    /** Next slot to poll; written by the consumer only. */
    @SuppressWarnings("unused")
    private volatile long head;
    /** Next slot to fill; written by the producer only. */
    @SuppressWarnings("unused")
    private volatile long tail;
    /** Frames refused because the queue was full; written by the producer only. */
    @SuppressWarnings("unused")
    private volatile long dropped;

    /**
     * @param capacity frames the queue holds, rounded up to a power of two
     * @param slotSize the largest frame in bytes
     * @param arena owns the queue's memory
     */
    public OffHeapFrameQueue(int capacity, int slotSize, Arena arena) {
        if (capacity < 1 || slotSize < 1) {
            throw new IllegalArgumentException("queue capacity " + capacity + " and slot size " + slotSize
                    + " must be positive");
        }
        int rounded = 1;
        while (rounded < capacity) {
            rounded <<= 1;
        }
        this.capacity = rounded;
        this.mask = this.capacity - 1;
        this.slotSize = slotSize;
        this.slots = arena.allocate((long) this.capacity * slotSize, 64);
        this.lengths = new int[this.capacity];
    }

    /** @return how many frames fit */
    public int capacity() {
        return capacity;
    }

    /** @return the largest frame a slot holds */
    public int slotSize() {
        return slotSize;
    }

    /**
     * Producer side: copies a frame in.
     *
     * @param source memory holding the frame
     * @param offset where it starts
     * @param length its length; longer than {@link #slotSize()} is refused
     * @return whether the frame was queued (false: queue full, counted in {@link #dropped()})
     */
    public boolean offer(MemorySegment source, long offset, int length) {
        if (length < 0 || length > slotSize) {
            throw new IllegalArgumentException("frame of " + length + " bytes does not fit a slot of " + slotSize);
        }
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getAcquire(this) >= capacity) {
            DROPPED.setOpaque(this, (long) DROPPED.getOpaque(this) + 1);
            return false;
        }
        int index = (int) (t & mask);
        MemorySegment.copy(source, offset, slots, (long) index * slotSize, length);
        lengths[index] = length;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /**
     * Producer side: copies a frame in from the heap.
     *
     * @param frame the bytes
     * @return whether the frame was queued
     */
    public boolean offer(byte[] frame) {
        return offer(MemorySegment.ofArray(frame), 0, frame.length);
    }

    /**
     * Consumer side: copies the oldest frame out.
     *
     * @param target memory to copy into
     * @param offset where to put the frame
     * @param capacityBytes room at {@code offset}; a longer frame is truncated, as a short read() on a TAP would
     * @return the frame's length, or -1 if the queue is empty
     */
    public int poll(MemorySegment target, long offset, int capacityBytes) {
        long h = (long) HEAD.getOpaque(this);
        if (h == (long) TAIL.getAcquire(this)) {
            return -1;
        }
        int index = (int) (h & mask);
        int length = Math.min(lengths[index], capacityBytes);
        MemorySegment.copy(slots, (long) index * slotSize, target, offset, length);
        HEAD.setRelease(this, h + 1);
        return length;
    }

    /**
     * Consumer side: removes the oldest frame and returns a heap copy (allocates; for tests).
     *
     * @return the frame, or {@code null} if the queue is empty
     */
    public byte[] poll() {
        long h = (long) HEAD.getOpaque(this);
        if (h == (long) TAIL.getAcquire(this)) {
            return null;
        }
        int index = (int) (h & mask);
        byte[] out = slots.asSlice((long) index * slotSize, lengths[index]).toArray(ValueLayout.JAVA_BYTE);
        HEAD.setRelease(this, h + 1);
        return out;
    }

    /** @return whether a frame is queued; any thread */
    public boolean isEmpty() {
        return (long) HEAD.getAcquire(this) == (long) TAIL.getAcquire(this);
    }

    /** @return frames queued now; any thread, may be stale */
    public int size() {
        return (int) ((long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }

    /** @return frames refused because the queue was full */
    public long dropped() {
        return (long) DROPPED.getOpaque(this);
    }
}
