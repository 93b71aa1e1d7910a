package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Frame;

import java.lang.foreign.MemorySegment;

/**
 * A ring slot: allocated once when the ring is built and reused for every frame that passes through it. It owns a
 * piece of the ring's off-heap memory, wrapped by {@link Frame}. A barrier slot carries no frame: ingress publishes
 * one when a control thread needs proof that the worker has moved past every frame published so far.
 */
final class Slot {

    final Frame frame;
    /** Written by ingress before publishing, read by the worker after; the ring's sequences order the two. */
    boolean barrier;

    Slot(MemorySegment memory) {
        this.frame = new Frame(memory);
    }
}
