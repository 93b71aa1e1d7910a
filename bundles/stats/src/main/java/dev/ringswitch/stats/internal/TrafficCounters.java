package dev.ringswitch.stats.internal;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What only the pipeline's last look at a frame can tell: which VLAN carried it and whether it was flooded.
 *
 * <h2>Design</h2>
 * The datapath already counts everything it reads, writes and drops, per port and reason (see
 * {@link dev.ringswitch.api.datapath.DatapathService#portDrops()}); counting those again here would cost a second
 * set of stores per frame and could only disagree. This class counts the rest, from {@link #count}, called by the
 * observer for every frame after the advisors and directors decided:
 * <ul>
 *   <li>per VLAN, frames and bytes of every frame that is not dropped and still has an egress port other than its
 *       ingress port (one the datapath would otherwise drop as {@code no_egress} is not switched);</li>
 *   <li>per ingress port, frames flooded: sent to more than one port, or to a group (broadcast or multicast)
 *       address. A director that knows the destination narrows the egress set to one port, so a frame that still
 *       leaves through several was flooded; unknown unicast in a flood domain of only two ports leaves through one
 *       port and cannot be told apart from forwarding, so it is not counted.</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * One writer: the datapath worker thread (the ring guarantees {@code process} is never called concurrently, and a
 * ring restart joins the old thread before the new one starts). It reads its own counter plainly and publishes the
 * sum with an opaque store: no fence, no lock, no read-modify-write instruction, nothing allocated. Control threads
 * read with opaque loads and may see a value one batch old, never a torn one. A VLAN's frame and byte counters sit
 * next to each other so that a frame touches one cache line for them.
 */
final class TrafficCounters {

    /** VLAN IDs 0..4095: the 12 bits of a VID, 0 meaning "not classified". */
    static final int VLANS = 4096;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Bit 0 of the first destination octet: the group (multicast, broadcast) bit. */
    private static final int GROUP_BIT = 0x01;

    /** Index 2 * vid: frames; 2 * vid + 1: bytes. */
    private final long[] vlans = new long[2 * VLANS];
    /** Index = ingress port number. */
    private final long[] flooded = new long[PortSet.CAPACITY];

    /**
     * Counts one frame. Datapath thread only.
     *
     * @param frame the frame after every advisor and director ran
     */
    void count(Frame frame) {
        if (frame.isDropped()) {
            return;
        }
        int in = frame.ingressPort();
        PortSet egress = frame.egress();
        // The datapath removes the ingress port after the pipeline (no hairpin): it does not count as a destination.
        int destinations = egress.size() - (egress.contains(in) ? 1 : 0);
        if (destinations == 0) {
            return;
        }
        int v = (frame.vlan() & (VLANS - 1)) << 1;
        LONGS.setOpaque(vlans, v, vlans[v] + 1);
        LONGS.setOpaque(vlans, v + 1, vlans[v + 1] + frame.length());
        // The destination's group bit costs a read of the frame, so it is looked at only when one port is left.
        if (destinations > 1 || (frame.getByte(0) & GROUP_BIT) != 0) {
            LONGS.setOpaque(flooded, in, flooded[in] + 1);
        }
    }

    /** @param vid 0..4095 @return frames switched in the VLAN; any thread */
    long vlanFrames(int vid) {
        return (long) LONGS.getOpaque(vlans, vid << 1);
    }

    /** @param vid 0..4095 @return bytes switched in the VLAN; any thread */
    long vlanBytes(int vid) {
        return (long) LONGS.getOpaque(vlans, (vid << 1) + 1);
    }

    /** @param port a port number @return frames from the port that were flooded; any thread */
    long flooded(int port) {
        return (long) LONGS.getOpaque(flooded, port);
    }
}
