package dev.ringswitch.testkit;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Crafts Ethernet frames for tests and benchmarks: untagged, 802.1Q or 802.1ad tagged (stacked in the order given),
 * carrying ARP, IPv4/UDP or any payload.
 *
 * <pre>{@code
 * byte[] arp = FrameBuilder.ethernet().arpRequest(mac("02:00:00:00:00:01"), ip("10.0.0.1"), ip("10.0.0.2")).build();
 * byte[] udp = FrameBuilder.ethernet().destination(b).source(a).vlan(10)
 *         .ipv4Udp(ip("10.0.0.1"), ip("10.0.0.2"), 4000, 5000, data).build();
 * Frame slot = FrameBuilder.ethernet().destination(b).source(a).length(64).buildFrame(1);
 * }</pre>
 *
 * <p>Frames are padded with zeros to {@link #MIN_LENGTH} (the 64-byte minimum without the 4-byte FCS, which TAP
 * devices never carry) unless {@link #minimumLength} says otherwise. A builder is a mutable, single-use object.
 */
public final class FrameBuilder {

    /** The smallest Ethernet frame without FCS. */
    public static final int MIN_LENGTH = 60;
    /** EtherType of IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** IP protocol number of UDP. */
    public static final int IPPROTO_UDP = 17;

    private static final int IPV4_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int ARP_LENGTH = 28;

    private long destination = MacAddress.BROADCAST.bits();
    private long source = 0x0200_0000_0001L;
    private final List<int[]> tags = new ArrayList<>();
    private int etherType = 0x88B5;
    private byte[] payload = new byte[0];
    private int minimumLength = MIN_LENGTH;
    private int exactLength = -1;

    private FrameBuilder() {
    }

    /** @return a builder for a broadcast frame from 02:00:00:00:00:01 with the local-experimental EtherType 0x88b5 */
    public static FrameBuilder ethernet() {
        return new FrameBuilder();
    }

    /**
     * @param text {@code aa:bb:cc:dd:ee:ff}
     * @return the address
     */
    public static MacAddress mac(String text) {
        return MacAddress.parse(text);
    }

    /**
     * @param dotted {@code a.b.c.d}
     * @return the address, big-endian in an int
     */
    public static int ip(String dotted) {
        return Ipv4Prefix.parse(dotted + "/32").address();
    }

    /** @param mac the destination @return this */
    public FrameBuilder destination(MacAddress mac) {
        this.destination = mac.bits();
        return this;
    }

    /** @param mac the destination in {@code aa:bb:cc:dd:ee:ff} form @return this */
    public FrameBuilder destination(String mac) {
        return destination(mac(mac));
    }

    /** @param mac the source @return this */
    public FrameBuilder source(MacAddress mac) {
        this.source = mac.bits();
        return this;
    }

    /** @param mac the source in {@code aa:bb:cc:dd:ee:ff} form @return this */
    public FrameBuilder source(String mac) {
        return source(mac(mac));
    }

    /**
     * Adds a tag after those added before (the first one added is the outermost).
     *
     * @param tpid e.g. {@link Frame#TPID_8021Q} or {@link Frame#TPID_8021AD}
     * @param tci PCP (3 bits), DEI (1 bit), VID (12 bits)
     * @return this
     */
    public FrameBuilder tag(int tpid, int tci) {
        tags.add(new int[] {tpid, tci});
        return this;
    }

    /** @param vid VLAN ID 0..4095 @return this, with an 802.1Q tag of that VID and PCP 0 */
    public FrameBuilder vlan(int vid) {
        return vlan(vid, 0);
    }

    /** @param vid VLAN ID 0..4095 @param pcp priority 0..7 @return this, with an 802.1Q tag */
    public FrameBuilder vlan(int vid, int pcp) {
        return tag(Frame.TPID_8021Q, (pcp & 7) << 13 | (vid & 0xFFF));
    }

    /** @param type the EtherType after the tags @return this */
    public FrameBuilder etherType(int type) {
        this.etherType = type;
        return this;
    }

    /** @param bytes the payload after the EtherType @return this */
    public FrameBuilder payload(byte[] bytes) {
        this.payload = bytes.clone();
        return this;
    }

    /** @param bytes pad shorter frames with zeros up to this many bytes; 0 for no padding @return this */
    public FrameBuilder minimumLength(int bytes) {
        this.minimumLength = bytes;
        return this;
    }

    /**
     * Makes the frame exactly this long: the payload is cut or extended with a counting byte pattern. For sized
     * benchmark frames (64, 1500 bytes ...).
     *
     * @param bytes the total frame length, at least the header length
     * @return this
     */
    public FrameBuilder length(int bytes) {
        this.exactLength = bytes;
        return this;
    }

    /**
     * Makes an ARP request (who-has {@code targetIp} tell {@code senderIp}), broadcast from the sender.
     *
     * @param senderMac the asking host's MAC
     * @param senderIp the asking host's IP
     * @param targetIp the IP asked for
     * @return this
     */
    public FrameBuilder arpRequest(MacAddress senderMac, int senderIp, int targetIp) {
        destination = MacAddress.BROADCAST.bits();
        source = senderMac.bits();
        etherType = ETHERTYPE_ARP;
        payload = arp(1, senderMac.bits(), senderIp, 0, targetIp);
        return this;
    }

    /**
     * Makes an ARP reply ({@code senderIp} is at {@code senderMac}), unicast to the target.
     *
     * @param senderMac the answering host's MAC
     * @param senderIp the answering host's IP
     * @param targetMac the asking host's MAC
     * @param targetIp the asking host's IP
     * @return this
     */
    public FrameBuilder arpReply(MacAddress senderMac, int senderIp, MacAddress targetMac, int targetIp) {
        destination = targetMac.bits();
        source = senderMac.bits();
        etherType = ETHERTYPE_ARP;
        payload = arp(2, senderMac.bits(), senderIp, targetMac.bits(), targetIp);
        return this;
    }

    private static byte[] arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        MemorySegment s = MemorySegment.ofArray(new byte[ARP_LENGTH]);
        putShort(s, 0, 1);
        putShort(s, 2, ETHERTYPE_IPV4);
        s.set(ValueLayout.JAVA_BYTE, 4, (byte) 6);
        s.set(ValueLayout.JAVA_BYTE, 5, (byte) 4);
        putShort(s, 6, operation);
        putMac(s, 8, senderMac);
        putInt(s, 14, senderIp);
        putMac(s, 18, targetMac);
        putInt(s, 24, targetIp);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Makes the payload an IPv4 packet (TTL 64, DF clear, checksum computed) carrying a UDP datagram (checksum
     * computed over the pseudo header).
     *
     * @param srcIp source address
     * @param dstIp destination address
     * @param srcPort source UDP port
     * @param dstPort destination UDP port
     * @param data the UDP payload
     * @return this
     */
    public FrameBuilder ipv4Udp(int srcIp, int dstIp, int srcPort, int dstPort, byte[] data) {
        int udpLength = UDP_HEADER + data.length;
        byte[] packet = new byte[IPV4_HEADER + udpLength];
        MemorySegment s = MemorySegment.ofArray(packet);
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x45);
        putShort(s, 2, packet.length);
        s.set(ValueLayout.JAVA_BYTE, 8, (byte) 64);
        s.set(ValueLayout.JAVA_BYTE, 9, (byte) IPPROTO_UDP);
        putInt(s, 12, srcIp);
        putInt(s, 16, dstIp);
        putShort(s, 10, checksum(packet, 0, IPV4_HEADER, 0));
        putShort(s, 20, srcPort);
        putShort(s, 22, dstPort);
        putShort(s, 24, udpLength);
        System.arraycopy(data, 0, packet, IPV4_HEADER + UDP_HEADER, data.length);
        long pseudo = ((srcIp >>> 16) & 0xFFFF) + (srcIp & 0xFFFF) + ((dstIp >>> 16) & 0xFFFF) + (dstIp & 0xFFFF)
                + IPPROTO_UDP + udpLength;
        int sum = checksum(packet, IPV4_HEADER, udpLength, pseudo);
        putShort(s, 26, sum == 0 ? 0xFFFF : sum);
        etherType = ETHERTYPE_IPV4;
        payload = packet;
        return this;
    }

    /**
     * The Internet checksum (RFC 1071).
     *
     * @param bytes the data
     * @param offset where to start
     * @param length how many bytes
     * @param initial a partial sum to start from (pseudo header), 0 for none
     * @return the one's complement of the one's complement sum
     */
    public static int checksum(byte[] bytes, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((bytes[offset + i] & 0xFF) << 8) | (bytes[offset + i + 1] & 0xFF);
        }
        if ((length & 1) != 0) {
            sum += (bytes[offset + length - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** @return the frame bytes */
    public byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + payload.length);
        writeMac(out, destination);
        writeMac(out, source);
        for (int[] tag : tags) {
            writeShort(out, tag[0]);
            writeShort(out, tag[1]);
        }
        writeShort(out, etherType);
        int header = out.size();
        if (exactLength >= 0) {
            if (exactLength < header) {
                throw new IllegalArgumentException("frame length " + exactLength + " is shorter than its "
                        + header + "-byte header");
            }
            for (int i = 0; i < exactLength - header; i++) {
                out.write(i < payload.length ? payload[i] : (byte) i);
            }
        } else {
            out.writeBytes(payload);
            while (out.size() < minimumLength) {
                out.write(0);
            }
        }
        return out.toByteArray();
    }

    /**
     * Builds the frame into a fresh ring-slot {@link Frame}, as the datapath would present it to a module.
     *
     * @param ingressPort the port it arrived on
     * @return the frame, backed by auto-managed off-heap memory
     */
    public Frame buildFrame(int ingressPort) {
        return frameOf(build(), ingressPort);
    }

    /**
     * Wraps bytes into a ring-slot {@link Frame} with {@link Frame#HEADROOM} and room for two more tags.
     *
     * @param bytes the frame
     * @param ingressPort the port it arrived on
     * @return the frame, backed by auto-managed off-heap memory
     */
    public static Frame frameOf(byte[] bytes, int ingressPort) {
        MemorySegment buffer = Arena.ofAuto().allocate(Frame.HEADROOM + Math.max(bytes.length, 64) + 2L
                * Frame.TAG_LENGTH);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buffer, Frame.readOffset(), bytes.length);
        Frame frame = new Frame(buffer);
        frame.reset(ingressPort, bytes.length);
        return frame;
    }

    /**
     * @param frame a frame
     * @return a copy of its current bytes ({@code offset .. offset+length})
     */
    public static byte[] bytesOf(Frame frame) {
        return frame.buffer().asSlice(frame.offset(), frame.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static void writeMac(ByteArrayOutputStream out, long mac) {
        for (int shift = 40; shift >= 0; shift -= 8) {
            out.write((int) (mac >>> shift) & 0xFF);
        }
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >>> 8) & 0xFF);
        out.write(value & 0xFF);
    }

    private static void putShort(MemorySegment s, long at, int value) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) (value >>> 8));
        s.set(ValueLayout.JAVA_BYTE, at + 1, (byte) value);
    }

    private static void putInt(MemorySegment s, long at, int value) {
        putShort(s, at, value >>> 16);
        putShort(s, at + 2, value);
    }

    private static void putMac(MemorySegment s, long at, long mac) {
        putShort(s, at, (int) (mac >>> 32));
        putInt(s, at + 2, (int) mac);
    }
}
