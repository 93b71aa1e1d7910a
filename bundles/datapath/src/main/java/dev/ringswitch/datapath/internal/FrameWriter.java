package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.TapPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a switched frame to every port of its egress set, straight from its slot: the last step of the datapath,
 * run by the worker thread for frames it writes itself and by the egress thread for frames handed to it (see
 * {@link Worker}). It calls no module: the pipeline already decided the egress set and, per port, the tag
 * ({@link FrameBuffer#tci}), so the egress thread never runs module code.
 *
 * <p>Per port: a port that is down is counted as a {@code link_down} tx drop; a tag is pushed into the headroom
 * around the one write that needs it; a port with a virtio-net header gets the frame's header in front of it (moved
 * for the tag, see {@link VnetHeader}), a port without gets a partial checksum completed and no GSO frame. EAGAIN is
 * a {@code queue_full} tx drop, EIO (link down in the kernel) a {@code link_down} drop, anything else an I/O error,
 * logged with a rate limit.
 *
 * <p>Threading: each port is written, and its tx counters updated, by one thread at a time: the worker writes to a
 * port only while the egress thread has nothing for it pending (its sequence has passed the last frame handed over
 * for that port, {@link PortEntry#pendingUntil}), and hands frames over by publishing them; both hand-overs go
 * through the ring's sequences, which order the writes and the counter updates. Two threads may write to two
 * different ports at the same time.
 *
 * <p>Writes are queued in a {@link PortIoBatch} and go to the kernel together at {@link #flush()} (one
 * {@code io_uring_enter} for the batch, see the tap bundle), which the caller invokes at the end of a burst; the tx
 * counters are updated then. A frame's buffer is changed in place only with nothing queued: before a tag is pushed
 * or popped, or a checksum completed, the queue is flushed, so that every queued write sends the bytes it was
 * queued with.
 *
 * <p>Not final only so that tests can slow the egress thread down (see {@code BackpressureTest}).
 */
class FrameWriter {

    private static final Logger LOG = LoggerFactory.getLogger(FrameWriter.class);
    /** errno of a write to a TAP whose link is down: expected, counted, not logged. */
    private static final int EIO = 5;
    /** Writes queued at most before a flush, when nobody said otherwise ({@link #use}). */
    static final int DEFAULT_BATCH = 64;

    private PortIoBatch batch = PortIoBatch.sequential(DEFAULT_BATCH);
    /** Per queued write, the port it goes to (with a vnet header, the batch's count includes it). */
    private PortEntry[] queuedPorts = new PortEntry[DEFAULT_BATCH];
    private int queued;

    /**
     * Sets the batch the writes go through; before the writer's thread starts.
     *
     * @param writes a batch for this writer's thread only
     */
    void use(PortIoBatch writes) {
        this.batch = writes;
        this.queuedPorts = new PortEntry[writes.capacity()];
        this.queued = 0;
    }

    /** Sends every queued write to the kernel and counts the outcomes. */
    void flush() {
        int n = queued;
        if (n == 0) {
            return;
        }
        queued = 0;
        batch.submit();
        for (int i = 0; i < n; i++) {
            PortEntry out = queuedPorts[i];
            queuedPorts[i] = null;
            int written = batch.result(i);
            if (written >= 0) {
                out.stats.sent(out.vnet ? written - VnetHeader.LENGTH : written);
            } else if (written == TapPort.WOULD_BLOCK) {
                out.stats.txDropped(DropReason.QUEUE_FULL);
            } else {
                failed(out, batch.failure(i));
            }
        }
    }

    private static void failed(PortEntry out, PortException e) {
        if (e.errno() == EIO) {
            out.stats.txDropped(DropReason.LINK_DOWN);
        } else {
            out.stats.txDropped(DropReason.IO_ERROR);
            out.stats.txError();
            out.log.warn(LOG, "write failed", e, false);
        }
    }

    /**
     * Queues the buffer's frame for its egress ports and lets go of the buffer's plan; {@link #flush()} sends it.
     * Dropped frames are skipped. The buffer must stay as it is until the flush.
     *
     * @param slot a switched frame
     */
    void write(FrameBuffer slot) {
        Plan p = slot.plan;
        slot.plan = null;
        Frame f = slot.frame;
        if (p == null || f.isDropped()) {
            return;
        }
        PortSet egress = f.egress();
        for (int port = egress.next(0); port >= 0; port = egress.next(port + 1)) {
            PortEntry out = p.ports[port];
            if (out == null) {
                continue;
            }
            if (!p.up.contains(port)) {
                out.stats.txDropped(DropReason.LINK_DOWN);
                continue;
            }
            int tci = slot.tagged ? slot.tci[port] : EgressTagging.UNTAGGED;
            if (tci == EgressTagging.UNTAGGED) {
                send(slot, out);
            } else if (tci == FrameBuffer.TAGGING_FAILED) {
                out.stats.txDropped(DropReason.MODULE_ERROR);
            } else {
                sendTagged(slot, out, tci);
            }
        }
    }

    private void sendTagged(FrameBuffer slot, PortEntry out, int tci) {
        Frame f = slot.frame;
        flush();
        try {
            f.pushTag(tci);
        } catch (IllegalStateException e) {
            out.stats.txDropped(DropReason.MALFORMED);
            out.log.warn(LOG, "cannot tag frame from port " + f.ingressPort(), e, false);
            return;
        }
        send(slot, out);
        flush();
        f.popTag();
    }

    private void send(FrameBuffer slot, PortEntry out) {
        Frame f = slot.frame;
        VnetHeader vnet = slot.vnet;
        if (queued == queuedPorts.length) {
            flush();
        }
        if (out.vnet) {
            long at = slot.vnetWriteOffset();
            vnet.store(slot.memory, at, slot.shift());
            batch.addWrite(out.tap, slot.memory, at, f.length() + VnetHeader.LENGTH);
            queuedPorts[queued++] = out;
        } else {
            if (vnet.isGso()) {
                // A port without vnet header cannot take a 64 KiB segment train; see VnetHeader.
                out.stats.txDropped(DropReason.TOO_LONG);
                return;
            }
            if (vnet.needsChecksum()) {
                flush();
                if (!vnet.completeChecksum(f, slot.shift())) {
                    out.stats.txDropped(DropReason.MALFORMED);
                    return;
                }
            }
            batch.addWrite(out.tap, f.buffer(), f.offset(), f.length());
            queuedPorts[queued++] = out;
        }
    }
}
