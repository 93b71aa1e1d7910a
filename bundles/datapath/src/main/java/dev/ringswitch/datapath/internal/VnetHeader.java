package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Frame;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One frame's virtio-net header ({@code struct virtio_net_hdr}, linux/virtio_net.h): the 10 bytes a port opened with
 * IFF_VNET_HDR reads and writes in front of every frame. Each ring slot owns one, allocated with the slot.
 *
 * <h2>Why the datapath carries it</h2>
 * Ports get TUNSETOFFLOAD (checksum, TSO4/6, ECN), so the kernel hands the switch TCP as GSO frames of up to 64 KiB
 * with a partial checksum, one read for up to 44 wire segments. The header says how to finish them: {@code gso_type}
 * and {@code gso_size} how to cut the payload into segments, {@code flags & NEEDS_CSUM} that the transport checksum
 * still has to be computed from {@code csum_start} (counted from the first byte of the Ethernet header) and stored at
 * {@code csum_start + csum_offset}. Written unchanged in front of the frame into another vnet port, the receiving
 * kernel does exactly that, or nothing at all when the frame stays local (a partial checksum is as good as a checked
 * one for a local socket). The switch never touches the payload.
 *
 * <h2>Complication: tags move the headers</h2>
 * A VLAN tag pushed or popped in front of the frame moves the IP and TCP headers by 4 bytes, so {@code csum_start}
 * and the {@code hdr_len} hint must move with them, or the receiver checksums the wrong bytes. Tags are the only
 * rewrites that insert or remove bytes, and {@link Frame} keeps them in front of the frame: {@code HEADROOM -
 * frame.offset()} is exactly the number of bytes inserted since the frame was read, so {@link #store} applies that
 * shift when it writes the header out. Modules need not know that the header exists.
 *
 * <h2>Complication: a port without the header</h2>
 * A frame read from a port without vnet header gets a cleared header (no GSO, no partial checksum), which is what a
 * vnet port expects of a plain frame. Towards a port without vnet header (a kernel or configuration without offloads,
 * or the in-memory ports of tests), a partial checksum is completed in software ({@link #completeChecksum}) and a GSO
 * frame, which such a port cannot carry, is dropped and counted as {@code too_long}. With the datapath's default
 * ({@code offloads = true}) every port has the header, and neither happens.
 *
 * <p>Byte order: the legacy (pre-virtio-1.0) header TUN uses unless TUNSETVNETLE is set is in the host's order.
 * Threading: written by the worker thread when it reads the frame, then read (and, for checksum completion, updated)
 * by whichever thread writes it; the ring's sequences order the two.
 */
final class VnetHeader {

    /** Bytes of {@code struct virtio_net_hdr} without the mergeable-buffers count. */
    static final int LENGTH = 10;
    /** {@code VIRTIO_NET_HDR_F_NEEDS_CSUM}: the transport checksum is partial. */
    static final int F_NEEDS_CSUM = 0x01;
    /** {@code VIRTIO_NET_HDR_GSO_NONE}. */
    static final int GSO_NONE = 0;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long FLAGS = 0;
    private static final long GSO_TYPE = 1;
    private static final long HDR_LEN = 2;
    private static final long GSO_SIZE = 4;
    private static final long CSUM_START = 6;
    private static final long CSUM_OFFSET = 8;

    private int flags;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;

    /**
     * Takes the header as the kernel wrote it.
     *
     * @param memory where it was read
     * @param at its first byte
     */
    void load(MemorySegment memory, long at) {
        flags = memory.get(ValueLayout.JAVA_BYTE, at + FLAGS) & 0xFF;
        gsoType = memory.get(ValueLayout.JAVA_BYTE, at + GSO_TYPE) & 0xFF;
        hdrLen = memory.get(SHORT, at + HDR_LEN) & 0xFFFF;
        gsoSize = memory.get(SHORT, at + GSO_SIZE) & 0xFFFF;
        csumStart = memory.get(SHORT, at + CSUM_START) & 0xFFFF;
        csumOffset = memory.get(SHORT, at + CSUM_OFFSET) & 0xFFFF;
    }

    /** A plain frame: no segmentation, checksum complete. */
    void clear() {
        flags = 0;
        gsoType = GSO_NONE;
        hdrLen = 0;
        gsoSize = 0;
        csumStart = 0;
        csumOffset = 0;
    }

    /**
     * Writes the header for a frame whose front moved by {@code shift} bytes since it was read.
     *
     * @param memory where to write
     * @param at the header's first byte (the frame follows at {@code at + LENGTH})
     * @param shift bytes inserted (positive) or removed (negative) in front of the transport headers
     */
    void store(MemorySegment memory, long at, int shift) {
        memory.set(ValueLayout.JAVA_BYTE, at + FLAGS, (byte) flags);
        memory.set(ValueLayout.JAVA_BYTE, at + GSO_TYPE, (byte) gsoType);
        memory.set(SHORT, at + HDR_LEN, (short) (hdrLen == 0 ? 0 : Math.max(0, hdrLen + shift)));
        memory.set(SHORT, at + GSO_SIZE, (short) gsoSize);
        memory.set(SHORT, at + CSUM_START, (short) ((flags & F_NEEDS_CSUM) != 0 ? csumStart + shift : csumStart));
        memory.set(SHORT, at + CSUM_OFFSET, (short) csumOffset);
    }

    /** @return whether the frame is a GSO frame that must be segmented before it goes on a wire */
    boolean isGso() {
        return gsoType != GSO_NONE;
    }

    /** @return whether the transport checksum is partial */
    boolean needsChecksum() {
        return (flags & F_NEEDS_CSUM) != 0;
    }

    /**
     * Completes a partial transport checksum in the frame, as a NIC would, and marks the header complete. The
     * checksum field holds the pseudo-header sum; the ones' complement sum runs from {@code csum_start} to the end of
     * the frame (a 0 result is sent as 0xFFFF, which UDP needs and TCP accepts as the same value).
     *
     * @param frame the frame
     * @param shift bytes inserted in front of the frame since it was read (see the class comment)
     * @return false if the checksum position lies outside the frame (the frame is malformed)
     */
    boolean completeChecksum(Frame frame, int shift) {
        int start = csumStart + shift;
        int field = start + csumOffset;
        int length = frame.length();
        if (start < 0 || field + 2 > length) {
            return false;
        }
        MemorySegment buffer = frame.buffer();
        long p = frame.offset() + start;
        long end = frame.offset() + length;
        long sum = 0;
        for (; p + 4 <= end; p += 4) {
            sum += buffer.get(INT_BE, p) & 0xFFFF_FFFFL;
        }
        if (p + 2 <= end) {
            sum += buffer.get(SHORT_BE, p) & 0xFFFF;
            p += 2;
        }
        if (p < end) {
            sum += (buffer.get(ValueLayout.JAVA_BYTE, p) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int checksum = (int) ~sum & 0xFFFF;
        frame.setShort(field, checksum == 0 ? 0xFFFF : checksum);
        flags &= ~F_NEEDS_CSUM;
        return true;
    }

    @Override
    public String toString() {
        return "VnetHeader[flags=" + flags + ", gso=" + gsoType + ", hdrLen=" + hdrLen + ", gsoSize=" + gsoSize
                + ", csum=" + csumStart + "+" + csumOffset + "]";
    }
}
