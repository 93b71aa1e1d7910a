package dev.ringswitch.api.port;

import java.lang.foreign.MemorySegment;

/** {@link PortIoBatch#sequential}: each queued operation is one {@link TapPort} call when the batch is submitted. */
final class SequentialPortIoBatch extends AbstractPortIoBatch {

    private final TapPort[] ports;
    private final MemorySegment[] buffers;
    private final long[] offsets;
    private final int[] lengths;
    private final boolean[] writes;
    private final int[] results;
    private final PortException[] failures;

    SequentialPortIoBatch(int capacity) {
        super(capacity);
        ports = new TapPort[capacity];
        buffers = new MemorySegment[capacity];
        offsets = new long[capacity];
        lengths = new int[capacity];
        writes = new boolean[capacity];
        results = new int[capacity];
        failures = new PortException[capacity];
    }

    @Override
    protected void queue(int index, TapPort port, MemorySegment buffer, long offset, int length, boolean write) {
        ports[index] = port;
        buffers[index] = buffer;
        offsets[index] = offset;
        lengths[index] = length;
        writes[index] = write;
    }

    @Override
    protected void run(int count) {
        for (int i = 0; i < count; i++) {
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
