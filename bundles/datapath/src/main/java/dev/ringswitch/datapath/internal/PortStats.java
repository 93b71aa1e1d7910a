package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.PortDropCounters;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.port.PortCounters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumMap;
import java.util.Map;

/**
 * One port's datapath counters. Each counter has one writer at a time: the worker thread owns the rx group (reads,
 * rx drops); the tx group belongs to whichever thread writes frames to the port, the worker or the egress thread,
 * which hand it over through the ring's sequences (see {@link FrameWriter}). A writer reads its own field plainly and
 * publishes with an opaque store (no fence, no lock: a plain {@code mov} on x86); control threads read with opaque
 * loads and may see values that lag by a batch. Padding keeps the two groups on different cache lines so the threads
 * do not false-share. Drops are also counted by {@link DropReason} (arrays indexed by ordinal), for
 * {@link PortDropCounters}.
 */
@SuppressWarnings("unused")
final class PortStats {

    private static final VarHandle RX_PACKETS;
    private static final VarHandle RX_BYTES;
    private static final VarHandle RX_DROPS;
    private static final VarHandle TX_PACKETS;
    private static final VarHandle TX_BYTES;
    private static final VarHandle TX_DROPS;
    private static final VarHandle RX_ERRORS;
    private static final VarHandle TX_ERRORS;
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final DropReason[] REASONS = DropReason.values();

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RX_PACKETS = lookup.findVarHandle(PortStats.class, "rxPackets", long.class);
            RX_BYTES = lookup.findVarHandle(PortStats.class, "rxBytes", long.class);
            RX_DROPS = lookup.findVarHandle(PortStats.class, "rxDrops", long.class);
            TX_PACKETS = lookup.findVarHandle(PortStats.class, "txPackets", long.class);
            TX_BYTES = lookup.findVarHandle(PortStats.class, "txBytes", long.class);
            TX_DROPS = lookup.findVarHandle(PortStats.class, "txDrops", long.class);
            RX_ERRORS = lookup.findVarHandle(PortStats.class, "rxErrors", long.class);
            TX_ERRORS = lookup.findVarHandle(PortStats.class, "txErrors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long p00, p01, p02, p03, p04, p05, p06, p07;
    // Written by the worker thread.
    private long rxPackets;
    private long rxBytes;
    private long rxErrors;
    private long rxDrops;
    private final long[] rxByReason = new long[REASONS.length];
    private long p20, p21, p22, p23, p24, p25, p26, p27;
    // Written by the thread that writes the port's frames.
    private long txPackets;
    private long txBytes;
    private long txDrops;
    private long txErrors;
    private final long[] txByReason = new long[REASONS.length];
    private long p30, p31, p32, p33, p34, p35, p36, p37;

    /** Worker thread only. @param bytes the frame length */
    void received(int bytes) {
        RX_PACKETS.setOpaque(this, rxPackets + 1);
        RX_BYTES.setOpaque(this, rxBytes + bytes);
    }

    /** Worker thread only: a read failed with an error. */
    void rxError() {
        RX_ERRORS.setOpaque(this, rxErrors + 1);
    }

    /** Worker thread only: a frame from this port was dropped. @param reason why */
    void rxDropped(DropReason reason) {
        RX_DROPS.setOpaque(this, rxDrops + 1);
        int i = reason.ordinal();
        ELEMENT.setOpaque(rxByReason, i, rxByReason[i] + 1);
    }

    /** Writing thread only. @param bytes the frame length */
    void sent(int bytes) {
        TX_PACKETS.setOpaque(this, txPackets + 1);
        TX_BYTES.setOpaque(this, txBytes + bytes);
    }

    /** Writing thread only: a frame for this port could not be written. @param reason why */
    void txDropped(DropReason reason) {
        TX_DROPS.setOpaque(this, txDrops + 1);
        int i = reason.ordinal();
        ELEMENT.setOpaque(txByReason, i, txByReason[i] + 1);
    }

    /** Writing thread only: a write failed with an unexpected error (also a tx drop). */
    void txError() {
        TX_ERRORS.setOpaque(this, txErrors + 1);
    }

    /**
     * @param name the port name
     * @param number the port number
     * @return the drop and error counters by reason; any thread
     */
    PortDropCounters dropCounters(String name, int number) {
        return new PortDropCounters(name, number, byReason(rxByReason), byReason(txByReason),
                (long) RX_ERRORS.getOpaque(this), (long) TX_ERRORS.getOpaque(this));
    }

    private static Map<DropReason, Long> byReason(long[] counts) {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            long n = (long) ELEMENT.getOpaque(counts, r.ordinal());
            if (n != 0) {
                out.put(r, n);
            }
        }
        return out;
    }

    /** @return a snapshot; any thread */
    PortCounters snapshot() {
        return new PortCounters((long) RX_PACKETS.getOpaque(this), (long) RX_BYTES.getOpaque(this),
                (long) TX_PACKETS.getOpaque(this), (long) TX_BYTES.getOpaque(this), (long) RX_DROPS.getOpaque(this),
                (long) TX_DROPS.getOpaque(this));
    }
}
