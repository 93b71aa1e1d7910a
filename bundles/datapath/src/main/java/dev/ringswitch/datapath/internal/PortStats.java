package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortCounters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One port's datapath counters. Each counter has exactly one writer: the ingress thread owns the rx group, the worker
 * owns the drop and tx group. A writer reads its own field plainly and publishes with an opaque store (no fence, no
 * lock: a plain {@code mov} on x86); control threads read with opaque loads and may see values that lag by a batch.
 * Padding keeps the two groups on different cache lines so the threads do not false-share.
 */
@SuppressWarnings("unused")
final class PortStats {

    private static final VarHandle RX_PACKETS;
    private static final VarHandle RX_BYTES;
    private static final VarHandle RX_DROPS;
    private static final VarHandle TX_PACKETS;
    private static final VarHandle TX_BYTES;
    private static final VarHandle TX_DROPS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            RX_PACKETS = lookup.findVarHandle(PortStats.class, "rxPackets", long.class);
            RX_BYTES = lookup.findVarHandle(PortStats.class, "rxBytes", long.class);
            RX_DROPS = lookup.findVarHandle(PortStats.class, "rxDrops", long.class);
            TX_PACKETS = lookup.findVarHandle(PortStats.class, "txPackets", long.class);
            TX_BYTES = lookup.findVarHandle(PortStats.class, "txBytes", long.class);
            TX_DROPS = lookup.findVarHandle(PortStats.class, "txDrops", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long p00, p01, p02, p03, p04, p05, p06, p07;
    // Written by the ingress thread.
    private long rxPackets;
    private long rxBytes;
    private long p10, p11, p12, p13, p14, p15, p16, p17;
    // Written by the worker thread.
    private long rxDrops;
    private long txPackets;
    private long txBytes;
    private long txDrops;
    private long p20, p21, p22, p23, p24, p25, p26, p27;

    /** Ingress thread only. @param bytes the frame length */
    void received(int bytes) {
        RX_PACKETS.setOpaque(this, rxPackets + 1);
        RX_BYTES.setOpaque(this, rxBytes + bytes);
    }

    /** Worker thread only: a frame from this port was dropped. */
    void rxDropped() {
        RX_DROPS.setOpaque(this, rxDrops + 1);
    }

    /** Worker thread only. @param bytes the frame length */
    void sent(int bytes) {
        TX_PACKETS.setOpaque(this, txPackets + 1);
        TX_BYTES.setOpaque(this, txBytes + bytes);
    }

    /** Worker thread only: a frame for this port could not be written. */
    void txDropped() {
        TX_DROPS.setOpaque(this, txDrops + 1);
    }

    /** @return a snapshot; any thread */
    PortCounters snapshot() {
        return new PortCounters((long) RX_PACKETS.getOpaque(this), (long) RX_BYTES.getOpaque(this),
                (long) TX_PACKETS.getOpaque(this), (long) TX_BYTES.getOpaque(this), (long) RX_DROPS.getOpaque(this),
                (long) TX_DROPS.getOpaque(this));
    }
}
