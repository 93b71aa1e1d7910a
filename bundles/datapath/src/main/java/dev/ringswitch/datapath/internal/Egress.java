package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.EventHandler;

/**
 * The ring's consumer, on thread {@code ringswitch-egress}: writes the frames the worker handed over (see
 * {@link Worker} for when it does) to their egress ports, in ring order. Switching is done by then; this thread runs
 * no module code, only {@link FrameWriter}. The Disruptor releases a batch's slots to the worker only after this
 * handler returns from the batch's last event, so the slots' memory is the egress thread's throughout.
 */
final class Egress implements EventHandler<Slot> {

    private final FrameWriter writer;

    /** @param writer writes the frames */
    Egress(FrameWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onEvent(Slot slot, long sequence, boolean endOfBatch) {
        if (!slot.barrier) {
            writer.write(slot.buffer);
        }
        if (endOfBatch) {
            // Before the processor releases the batch's slots (and its sequence tells a barrier has passed).
            writer.flush();
        }
    }
}
