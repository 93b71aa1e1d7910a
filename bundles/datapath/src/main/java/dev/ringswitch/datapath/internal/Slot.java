package dev.ringswitch.datapath.internal;

/**
 * An entry of the Disruptor ring: holds the {@link FrameBuffer} of one frame handed from the worker to the egress
 * thread, or is a barrier. The worker does not fill entries in place: it reads and switches frames in buffers of its
 * own and, to hand one over, swaps it with the buffer of the entry it claimed (which the egress thread has finished
 * with). Claiming and publishing thus happen back to back, as the single-producer sequencer assumes: it may make
 * every claimed sequence visible to the consumer at its next claim.
 *
 * <p>A barrier entry carries no frame: the worker publishes one when a control thread needs proof that the egress
 * thread has moved past every frame published so far.
 *
 * <p>Threading: written by the worker between claim and publish, read by the egress thread after; the ring's
 * sequences order the two.
 */
final class Slot {

    /** The frame's buffer; swapped, never shared: exactly one entry or spare holds each buffer. */
    FrameBuffer buffer;
    /** Whether this entry is a barrier (its buffer is then not written). */
    boolean barrier;

    Slot(FrameBuffer buffer) {
        this.buffer = buffer;
    }
}
