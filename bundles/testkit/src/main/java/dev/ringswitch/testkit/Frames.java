package dev.ringswitch.testkit;

import java.util.Arrays;

/**
 * Reads fields of frame bytes in assertions: addresses, tags, EtherType, UDP payload. The counterpart of
 * {@link FrameBuilder}; tolerant of any number of stacked 802.1Q/802.1ad tags.
 */
public final class Frames {

    private static final int TPID_8021Q = 0x8100;
    private static final int TPID_8021AD = 0x88A8;

    private Frames() {
    }

    /** @param frame frame bytes @return the destination MAC in the low 48 bits */
    public static long destination(byte[] frame) {
        return mac(frame, 0);
    }

    /** @param frame frame bytes @return the source MAC in the low 48 bits */
    public static long source(byte[] frame) {
        return mac(frame, 6);
    }

    private static long mac(byte[] frame, int at) {
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            bits = (bits << 8) | (frame[at + i] & 0xFF);
        }
        return bits;
    }

    /** @param frame frame bytes @param at byte index @return the big-endian unsigned short there */
    public static int u16(byte[] frame, int at) {
        return ((frame[at] & 0xFF) << 8) | (frame[at + 1] & 0xFF);
    }

    /** @param frame frame bytes @return whether an 802.1Q or 802.1ad tag follows the addresses */
    public static boolean isTagged(byte[] frame) {
        int tpid = u16(frame, 12);
        return tpid == TPID_8021Q || tpid == TPID_8021AD;
    }

    /** @param frame frame bytes @return the outermost tag's TCI, or -1 if untagged */
    public static int outerTci(byte[] frame) {
        return isTagged(frame) ? u16(frame, 14) : -1;
    }

    /** @param frame frame bytes @return the outermost tag's VID, or -1 if untagged */
    public static int outerVid(byte[] frame) {
        return isTagged(frame) ? u16(frame, 14) & 0xFFF : -1;
    }

    /** @param frame frame bytes @return how many tags are stacked after the addresses */
    public static int tagCount(byte[] frame) {
        int n = 0;
        for (int at = 12; at + 4 <= frame.length; at += 4) {
            int tpid = u16(frame, at);
            if (tpid != TPID_8021Q && tpid != TPID_8021AD) {
                break;
            }
            n++;
        }
        return n;
    }

    /** @param frame frame bytes @return the EtherType after all tags */
    public static int innerEtherType(byte[] frame) {
        return u16(frame, 12 + 4 * tagCount(frame));
    }

    /** @param frame frame bytes @return the frame with every tag removed */
    public static byte[] untagged(byte[] frame) {
        int tags = tagCount(frame);
        byte[] out = new byte[frame.length - 4 * tags];
        System.arraycopy(frame, 0, out, 0, 12);
        System.arraycopy(frame, 12 + 4 * tags, out, 12, frame.length - 12 - 4 * tags);
        return out;
    }

    /**
     * @param frame frame bytes
     * @return the UDP payload of an IPv4/UDP frame (tags allowed), or {@code null} if it is not one
     */
    public static byte[] udpPayload(byte[] frame) {
        int ip = 14 + 4 * tagCount(frame);
        if (innerEtherType(frame) != FrameBuilder.ETHERTYPE_IPV4 || frame.length < ip + 28
                || (frame[ip + 9] & 0xFF) != FrameBuilder.IPPROTO_UDP) {
            return null;
        }
        int udp = ip + (frame[ip] & 0x0F) * 4;
        int length = u16(frame, udp + 4) - 8;
        return Arrays.copyOfRange(frame, udp + 8, udp + 8 + length);
    }
}
