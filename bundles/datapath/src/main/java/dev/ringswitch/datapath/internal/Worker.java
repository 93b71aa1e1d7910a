package dev.ringswitch.datapath.internal;

import com.lmax.disruptor.EventHandler;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.TapPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The ring's consumer: runs each batch of frames through the pipeline and writes them to their egress ports.
 *
 * <p>Per batch, on the worker thread: (1) at the batch start adopt the newest {@link Plan} if it changed (stopping
 * modules that left, starting modules that joined) and acknowledge its generation; (2) collect the batch's frames,
 * dropping runts at once; (3) fill each frame's egress set with the hub default, every up port but the ingress port;
 * (4) run the modules module-major: module A over the whole batch, then module B, each call guarded; (5) write every
 * surviving frame, straight from its slot, to every port left in its egress set, asking the tagging module per port
 * whether to push a tag around the write. The Disruptor releases the batch's slots to ingress only after this
 * handler returns from the batch's last event, so the slots' memory is ours throughout.
 */
final class Worker implements EventHandler<Slot> {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final VarHandle ACKED;
    /** errno of a write to a TAP whose link is down: expected, counted, not logged. */
    private static final int EIO = 5;

    static {
        try {
            ACKED = MethodHandles.lookup().findVarHandle(Worker.class, "acked", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ring ring;
    private final DropCounters drops;
    private final Frame[] batch;
    private int count;
    private Plan current;
    /** Generation of the plan in use; written by the worker, read by control threads. */
    @SuppressWarnings("unused")
    private volatile long acked = -1;

    Worker(Ring ring, RingSettings settings, DropCounters drops) {
        this.ring = ring;
        this.drops = drops;
        this.batch = new Frame[settings.workerBatch()];
    }

    /** @return the generation of the plan the worker uses; any thread */
    long ackedGeneration() {
        return (long) ACKED.getAcquire(this);
    }

    @Override
    public void onStart() {
        adopt(ring.plan());
    }

    @Override
    public void onBatchStart(long batchSize, long queueDepth) {
        Plan p = ring.plan();
        if (p != current) {
            adopt(p);
        }
        count = 0;
    }

    @Override
    public void onEvent(Slot slot, long sequence, boolean endOfBatch) {
        if (!slot.barrier) {
            Frame f = slot.frame;
            if (f.length() < Frame.ETH_HEADER) {
                dropEarly(f, DropReason.RUNT);
            } else if (f.length() > current.maxFrame[f.ingressPort()]) {
                dropEarly(f, DropReason.TOO_LONG);
            } else {
                batch[count++] = f;
            }
        }
        if (endOfBatch && count > 0) {
            processBatch();
        }
    }

    @Override
    public void onShutdown() {
        Plan p = current;
        if (p != null) {
            for (ModuleSlot m : p.modules) {
                stop(m);
            }
        }
    }

    /** Dropped before the pipeline: modules never see frames they could not parse. */
    private void dropEarly(Frame f, DropReason reason) {
        drops.add(reason);
        PortEntry in = current.ports[f.ingressPort()];
        if (in != null) {
            in.stats.rxDropped(reason);
        }
    }

    private void adopt(Plan next) {
        Plan old = current;
        if (old != null) {
            for (ModuleSlot m : old.modules) {
                if (!next.contains(m)) {
                    stop(m);
                }
            }
        }
        current = next;
        for (ModuleSlot m : next.modules) {
            if (!m.started && !m.isFailed()) {
                m.started = true;
                try {
                    m.module.onStart();
                    m.succeeded();
                } catch (Throwable t) {
                    m.threw(t, "onStart", next.failureThreshold);
                }
            }
        }
        ACKED.setRelease(this, next.generation);
    }

    private void stop(ModuleSlot m) {
        if (m.started) {
            m.started = false;
            try {
                m.module.onStop();
            } catch (Throwable t) {
                m.threw(t, "onStop", current.failureThreshold);
            }
        }
    }

    private void processBatch() {
        Plan p = current;
        int n = count;
        for (int i = 0; i < n; i++) {
            Frame f = batch[i];
            PortSet egress = f.egress();
            egress.copyFrom(p.up);
            egress.remove(f.ingressPort());
        }
        for (ModuleSlot m : p.modules) {
            if (!m.isFailed()) {
                runModule(m, n);
            }
        }
        for (int i = 0; i < n; i++) {
            forward(batch[i], p);
            batch[i] = null;
        }
        count = 0;
    }

    /**
     * One module over the whole batch, timed once per batch (two clock reads per module per batch instead of two per
     * frame, which would cost as much as a small module itself).
     */
    private void runModule(ModuleSlot m, int n) {
        ForwardingModule module = m.module;
        long start = System.nanoTime();
        try {
            module.onBatchStart();
        } catch (Throwable t) {
            m.threw(t, "onBatchStart", current.failureThreshold);
        }
        int dropped = 0;
        int seen = 0;
        for (int i = 0; i < n && !m.isFailed(); i++) {
            Frame f = batch[i];
            boolean wasDropped = f.isDropped();
            seen++;
            try {
                module.process(f);
                m.succeeded();
            } catch (Throwable t) {
                f.drop(DropReason.MODULE_ERROR);
                m.threw(t, "process", current.failureThreshold);
            }
            if (!wasDropped && f.isDropped()) {
                dropped++;
            }
        }
        try {
            module.onBatchEnd();
        } catch (Throwable t) {
            m.threw(t, "onBatchEnd", current.failureThreshold);
        }
        m.account(seen, dropped, System.nanoTime() - start);
        if (m.isFailed()) {
            stop(m);
        }
    }

    private void forward(Frame f, Plan p) {
        int in = f.ingressPort();
        PortSet egress = f.egress();
        if (!f.isDropped()) {
            // Never back out of the port it came in on, whatever a module left in the set.
            egress.remove(in);
            if (egress.isEmpty()) {
                f.drop(DropReason.NO_EGRESS);
            }
        }
        if (f.isDropped()) {
            drops.add(f.dropReason());
            PortEntry entry = p.ports[in];
            if (entry != null) {
                entry.stats.rxDropped(f.dropReason());
            }
            return;
        }
        for (int port = egress.next(0); port >= 0; port = egress.next(port + 1)) {
            PortEntry out = p.ports[port];
            if (out == null) {
                continue;
            }
            if (!p.up.contains(port)) {
                out.stats.txDropped(DropReason.LINK_DOWN);
            } else {
                writeTagged(f, out, p.tagger);
            }
        }
    }

    private void writeTagged(Frame f, PortEntry out, ModuleSlot tagger) {
        int tci = EgressTagging.UNTAGGED;
        if (tagger != null && !tagger.isFailed()) {
            try {
                tci = tagger.tagging.egressTci(f, out.number);
            } catch (Throwable t) {
                tagger.threw(t, "egressTci", current.failureThreshold);
                out.stats.txDropped(DropReason.MODULE_ERROR);
                return;
            }
        }
        if (tci == EgressTagging.UNTAGGED) {
            write(f, out);
            return;
        }
        try {
            f.pushTag(tci);
        } catch (IllegalStateException e) {
            out.stats.txDropped(DropReason.MALFORMED);
            out.log.warn(LOG, "cannot tag frame from port " + f.ingressPort(), e, false);
            return;
        }
        write(f, out);
        f.popTag();
    }

    private void write(Frame f, PortEntry out) {
        TapPort tap = out.tap;
        try {
            int written = tap.write(f.buffer(), f.offset(), f.length());
            if (written == TapPort.WOULD_BLOCK) {
                out.stats.txDropped(DropReason.QUEUE_FULL);
            } else {
                out.stats.sent(written);
            }
        } catch (PortException e) {
            if (e.errno() == EIO) {
                out.stats.txDropped(DropReason.LINK_DOWN);
            } else {
                out.stats.txDropped(DropReason.IO_ERROR);
                out.stats.txError();
                out.log.warn(LOG, "write failed", e, false);
            }
        }
    }
}
