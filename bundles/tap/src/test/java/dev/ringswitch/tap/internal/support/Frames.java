package dev.ringswitch.tap.internal.support;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Test frames that cannot be confused with the kernel's own traffic (IPv6 neighbour discovery, MLD) on the same
 * interface: EtherType 0x88B5 (IEEE 802 local experimental) and a random 8-byte marker.
 */
public final class Frames {

    /** IEEE Std 802 "local experimental EtherType 1". */
    public static final int ETHERTYPE_EXPERIMENTAL = 0x88B5;

    private static final int HEADER = 14;

    private Frames() {
    }

    /**
     * @param destination destination MAC (48 bits)
     * @param source source MAC (48 bits)
     * @param length total frame length, at least 22
     * @return a frame with a fresh random marker after the header and a counting pattern after that
     */
    public static byte[] experimental(long destination, long source, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        putMac(frame, destination);
        putMac(frame, source);
        frame.putShort((short) ETHERTYPE_EXPERIMENTAL);
        frame.putLong(ThreadLocalRandom.current().nextLong());
        for (int i = frame.position(); i < length; i++) {
            frame.put((byte) i);
        }
        return frame.array();
    }

    /**
     * @param expected a frame from {@link #experimental}
     * @return a predicate matching frames that carry the same marker
     */
    public static Predicate<byte[]> sameMarker(byte[] expected) {
        byte[] marker = Arrays.copyOfRange(expected, HEADER, HEADER + Long.BYTES);
        return frame -> frame.length >= HEADER + Long.BYTES
                && Arrays.equals(Arrays.copyOfRange(frame, HEADER, HEADER + Long.BYTES), marker)
                && (((frame[12] & 0xFF) << 8) | (frame[13] & 0xFF)) == ETHERTYPE_EXPERIMENTAL;
    }

    private static void putMac(ByteBuffer frame, long mac) {
        for (int i = 5; i >= 0; i--) {
            frame.put((byte) (mac >>> (8 * i)));
        }
    }
}
