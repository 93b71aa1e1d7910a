package dev.ringswitch.api.port;

import java.lang.foreign.MemorySegment;

/** {@link PortIoBatch#sequential}: each queued operation is one {@link TapPort} call when the batch is submitted. */
final class SequentialPortIoBatch implements PortIoBatch {

    private final TapPort[] ports;
    private final MemorySegment[] buffers;
    private final long[] offsets;
    private final int[] lengths;
    private final boolean[] writes;
    private final int[] results;
    private final PortException[] failures;
    private int queued;
    private boolean submitted;

    SequentialPortIoBatch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity " + capacity + ": expected at least 1");
        }
        ports = new TapPort[capacity];
        buffers = new MemorySegment[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
        writes = new boolean[capacity];
        results = new int[capacity];
        failures = new PortException[capacity];
    }

    @Override
    public int capacity() {
        return ports.length;
    }

    @Override
    public int pending() {
        return submitted ? 0 : queued;
    }

    @Override
    public int addRead(TapPort port, MemorySegment buffer, long offset, int capacity) {
        return add(port, buffer, offset, capacity, false);
    }

    @Override
    public int addWrite(TapPort port, MemorySegment buffer, long offset, int length) {
        return add(port, buffer, offset, length, true);
    }

    private int add(TapPort port, MemorySegment buffer, long offset, int length, boolean write) {
        if (submitted) {
            submitted = false;
            queued = 0;
        } else if (queued == ports.length) {
            throw new IllegalStateException("batch full (" + queued + " operations): submit it first");
        }
        int i = queued++;
        ports[i] = port;
        buffers[i] = buffer;
        offsets[i] = offset;
        lengths[i] = length;
        writes[i] = write;
        return i;
    }

    @Override
    public void submit() {
        if (submitted) {
            return;
        }
        for (int i = 0; i < queued; i++) {
            failures[i] = null;
            try {
                results[i] = writes[i]
                        ? ports[i].write(buffers[i], offsets[i], lengths[i])
                        : ports[i].read(buffers[i], offsets[i], lengths[i]);
            } catch (PortException e) {
                results[i] = FAILED;
                failures[i] = e;
            }
            ports[i] = null;
            buffers[i] = null;
        }
        submitted = true;
    }

    @Override
    public int result(int index) {
        return results[index];
    }

    @Override
    public PortException failure(int index) {
        return failures[index];
    }

    @Override
    public String mechanism() {
        return "one syscall per frame";
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
