package dev.ringswitch.api.net;

import java.util.HexFormat;

/**
 * A 48-bit IEEE 802 MAC address, held in the low 48 bits of a {@code long} so that the datapath can compare and hash
 * addresses without allocating.
 *
 * @param bits the address, most significant octet first, in bits 47..0
 */
public record MacAddress(long bits) {

    /** Mask of the 48 address bits. */
    public static final long MASK = 0xFFFF_FFFF_FFFFL;

    /** The broadcast address ff:ff:ff:ff:ff:ff. */
    public static final MacAddress BROADCAST = new MacAddress(MASK);

    /**
     * Creates an address.
     *
     * @throws IllegalArgumentException if bits outside the low 48 are set
     */
    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address has more than 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (also with {@code -} as separator, either case).
     *
     * @param text the address text
     * @return the address
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw invalid(text);
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && text.charAt(at - 1) != ':' && text.charAt(at - 1) != '-') {
                throw invalid(text);
            }
            int hi = Character.digit(text.charAt(at), 16);
            int lo = Character.digit(text.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) {
                throw invalid(text);
            }
            bits = (bits << 8) | (hi << 4) | lo;
        }
        return new MacAddress(bits);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid MAC address '" + text
                + "': expected six hex octets separated by ':', e.g. 02:00:00:00:00:01");
    }

    /**
     * Builds an address from its 6 octets.
     *
     * @param octets exactly six bytes, most significant first
     * @return the address
     */
    public static MacAddress of(byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 octets, got " + octets.length);
        }
        long bits = 0;
        for (byte b : octets) {
            bits = (bits << 8) | (b & 0xFF);
        }
        return new MacAddress(bits);
    }

    /** @return the six octets, most significant first */
    public byte[] toBytes() {
        byte[] out = new byte[6];
        for (int i = 5; i >= 0; i--) {
            out[i] = (byte) (bits >>> (8 * (5 - i)));
        }
        return out;
    }

    /**
     * Whether the group bit (I/G, least significant bit of the first octet) is set. Such an address names a group
     * (multicast or broadcast) and is never a valid source.
     *
     * @param bits an address in the low 48 bits
     * @return true for multicast and broadcast
     */
    public static boolean isMulticast(long bits) {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    /** @return true for multicast and broadcast addresses */
    public boolean isMulticast() {
        return isMulticast(bits);
    }

    /** @return true for 00:00:00:00:00:00, which no station may use as its source */
    public boolean isZero() {
        return bits == 0;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
