package dev.ringswitch.api.module;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One Ethernet frame in a ring slot, with the metadata the pipeline decides about it.
 *
 * <p>Memory layout of the slot buffer: {@link #HEADROOM} bytes of headroom, then the frame as read from the ingress
 * port. The headroom lets {@link #pushTag} insert an 802.1Q tag by moving only the 12 address bytes, never the
 * payload. The frame's bytes are {@code buffer()[offset() .. offset()+length())}.
 *
 * <p>A slot's Frame is allocated once and reused for every frame that passes through the slot; it is not
 * thread-safe, and the Disruptor's sequence barriers hand it from one thread to the next.
 */
public final class Frame {

    /** Room before the frame for up to two inserted tags. */
    public static final int HEADROOM = 8;
    /** Length of the Ethernet header without tags: destination, source, EtherType. */
    public static final int ETH_HEADER = 14;
    /** Length of one 802.1Q tag (TPID + TCI). */
    public static final int TAG_LENGTH = 4;
    /** TPID of a customer VLAN tag (IEEE 802.1Q). */
    public static final int TPID_8021Q = 0x8100;
    /** TPID of a service VLAN tag (IEEE 802.1ad). */
    public static final int TPID_8021AD = 0x88A8;

    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment buffer;
    private final PortSet egress = new PortSet();
    private long offset;
    private int length;
    private int ingressPort;
    private int vlan;
    private int pcp;
    private boolean dei;
    private DropReason dropReason;

    /**
     * @param buffer the slot's memory, {@link #HEADROOM} plus the largest frame it must hold
     */
    public Frame(MemorySegment buffer) {
        if (buffer.byteSize() <= HEADROOM + ETH_HEADER) {
            throw new IllegalArgumentException("frame buffer of " + buffer.byteSize() + " bytes is too small");
        }
        this.buffer = buffer;
        this.offset = HEADROOM;
    }

    /** @return where ingress reads the next frame into ({@link #HEADROOM}) */
    public static long readOffset() {
        return HEADROOM;
    }

    /** @return how many bytes ingress may read into the buffer */
    public int readCapacity() {
        return (int) (buffer.byteSize() - HEADROOM);
    }

    /**
     * Starts a new frame in this slot: the bytes were just read at {@link #readOffset()}. Clears every decision.
     *
     * @param ingress the port the frame came from
     * @param frameLength the bytes read
     */
    public void reset(int ingress, int frameLength) {
        this.offset = HEADROOM;
        this.length = frameLength;
        this.ingressPort = ingress;
        this.vlan = 0;
        this.pcp = 0;
        this.dei = false;
        this.dropReason = null;
        this.egress.clear();
    }

    /** @return the slot's whole buffer (headroom included) */
    public MemorySegment buffer() {
        return buffer;
    }

    /** @return where the frame starts in {@link #buffer()} */
    public long offset() {
        return offset;
    }

    /** @return the frame length in bytes */
    public int length() {
        return length;
    }

    /** @return the port the frame came from */
    public int ingressPort() {
        return ingressPort;
    }

    /** @return the classified VLAN, 0 if none was classified (untagged switch) */
    public int vlan() {
        return vlan;
    }

    /** @param vid the classified VLAN (0..4094) */
    public void setVlan(int vid) {
        this.vlan = vid;
    }

    /** @return the classified priority code point, 0..7 */
    public int pcp() {
        return pcp;
    }

    /** @param value the priority code point, 0..7 */
    public void setPcp(int value) {
        this.pcp = value;
    }

    /**
     * @return the classified drop eligible indicator (802.1Q DEI, formerly CFI), carried from an ingress tag to the
     *         egress tag
     * @since 1.1
     */
    public boolean dei() {
        return dei;
    }

    /**
     * @param value the drop eligible indicator
     * @since 1.1
     */
    public void setDei(boolean value) {
        this.dei = value;
    }

    /** @return the ports the frame will be written to; modules narrow it */
    public PortSet egress() {
        return egress;
    }

    /**
     * Drops the frame; later modules still see it (observers count it), but it is not written anywhere.
     *
     * @param reason why; the first reason given is kept
     */
    public void drop(DropReason reason) {
        if (dropReason == null) {
            dropReason = reason;
        }
    }

    /** @return whether the frame has been dropped */
    public boolean isDropped() {
        return dropReason != null;
    }

    /** @return why the frame was dropped, or {@code null} */
    public DropReason dropReason() {
        return dropReason;
    }

    /**
     * @param index byte index within the frame
     * @return the unsigned byte
     */
    public int getByte(int index) {
        return buffer.get(ValueLayout.JAVA_BYTE, offset + index) & 0xFF;
    }

    /**
     * @param index byte index within the frame
     * @return the unsigned big-endian 16-bit value
     */
    public int getShort(int index) {
        return buffer.get(SHORT_BE, offset + index) & 0xFFFF;
    }

    /**
     * @param index byte index within the frame
     * @param value the low 16 bits are written big-endian
     */
    public void setShort(int index, int value) {
        buffer.set(SHORT_BE, offset + index, (short) value);
    }

    /** @return the destination MAC in the low 48 bits; requires {@code length() >= 6} */
    public long destination() {
        return mac(0);
    }

    /** @return the source MAC in the low 48 bits; requires {@code length() >= 12} */
    public long source() {
        return mac(6);
    }

    private long mac(int index) {
        long hi = buffer.get(INT_BE, offset + index) & 0xFFFF_FFFFL;
        long lo = buffer.get(SHORT_BE, offset + index + 4) & 0xFFFFL;
        return (hi << 16) | lo;
    }

    /** @return the EtherType or TPID at bytes 12..13; requires {@code length() >= 14} */
    public int etherType() {
        return getShort(12);
    }

    /**
     * Inserts an 802.1Q tag after the MAC addresses, moving only the 12 address bytes into the headroom.
     *
     * @param tci the tag control information (PCP, DEI, VID)
     * @throws IllegalStateException if the headroom is used up (two tags already pushed)
     */
    public void pushTag(int tci) {
        if (offset < TAG_LENGTH) {
            throw new IllegalStateException("no headroom left for another VLAN tag");
        }
        MemorySegment.copy(buffer, offset, buffer, offset - TAG_LENGTH, 12);
        offset -= TAG_LENGTH;
        length += TAG_LENGTH;
        setShort(12, TPID_8021Q);
        setShort(14, tci);
    }

    /**
     * Removes the outermost tag (whatever its TPID) by moving the 12 address bytes over it.
     *
     * @throws IllegalStateException if the frame is too short to hold a tag
     */
    public void popTag() {
        if (length < ETH_HEADER + TAG_LENGTH) {
            throw new IllegalStateException("frame of " + length + " bytes is too short to hold a VLAN tag");
        }
        MemorySegment.copy(buffer, offset, buffer, offset + TAG_LENGTH, 12);
        offset += TAG_LENGTH;
        length -= TAG_LENGTH;
    }

    @Override
    public String toString() {
        return "Frame[in=" + ingressPort + ", len=" + length + ", vlan=" + vlan + ", egress=" + egress
                + (dropReason != null ? ", dropped=" + dropReason.label() : "") + "]";
    }
}
