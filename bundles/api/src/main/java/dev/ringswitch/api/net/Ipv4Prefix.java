package dev.ringswitch.api.net;

/**
 * An IPv4 interface address with its prefix length, as in {@code 10.0.0.1/24}.
 *
 * @param address the address, big-endian in an int (10.0.0.1 is 0x0A000001)
 * @param prefixLength 0..32
 */
public record Ipv4Prefix(int address, int prefixLength) {

    /**
     * Creates a prefix.
     *
     * @throws IllegalArgumentException if the prefix length is outside 0..32
     */
    public Ipv4Prefix {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid IPv4 prefix length " + prefixLength + ": expected 0..32");
        }
    }

    /**
     * Parses {@code A.B.C.D/LEN}.
     *
     * @param text the text
     * @return the prefix
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Ipv4Prefix parse(String text) {
        String bad = "invalid IPv4 address '" + text + "': expected A.B.C.D/LEN, e.g. 10.0.0.1/24";
        if (text == null) {
            throw new IllegalArgumentException(bad);
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(bad);
        }
        String[] parts = text.substring(0, slash).split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(bad);
        }
        int address = 0;
        try {
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3) {
                    throw new IllegalArgumentException(bad);
                }
                int octet = Integer.parseInt(part);
                if (octet > 255) {
                    throw new IllegalArgumentException(bad);
                }
                address = (address << 8) | octet;
            }
            int len = Integer.parseInt(text.substring(slash + 1));
            if (len < 0 || len > 32) {
                throw new IllegalArgumentException(bad);
            }
            return new Ipv4Prefix(address, len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad, e);
        }
    }

    /** @return the netmask as a big-endian int, e.g. 0xFFFFFF00 for /24 */
    public int netmask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** @return the address in dotted-quad form without the prefix length */
    public String addressText() {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    @Override
    public String toString() {
        return addressText() + "/" + prefixLength;
    }
}
