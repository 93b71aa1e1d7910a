package dev.ringswitch.api.vlan;

import java.util.BitSet;

/**
 * An immutable set of VLAN IDs 1..4094, parsed from and printed as the operator's range syntax ({@code 10,20-30}).
 */
public final class VlanSet {

    /** The lowest usable VLAN ID. */
    public static final int MIN_VID = 1;
    /** The highest usable VLAN ID; 4095 is reserved by IEEE 802.1Q. */
    public static final int MAX_VID = 4094;

    /** The empty set. */
    public static final VlanSet EMPTY = new VlanSet(new BitSet());

    private final BitSet bits;

    private VlanSet(BitSet bits) {
        this.bits = bits;
    }

    /**
     * Parses a comma-separated list of VLAN IDs and ranges.
     *
     * @param text e.g. {@code 10,20-30}
     * @return the set
     * @throws IllegalArgumentException naming the offending element and the expected form
     */
    public static VlanSet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty VLAN list: expected IDs and ranges such as 10,20-30");
        }
        BitSet bits = new BitSet(MAX_VID + 1);
        for (String element : text.split(",", -1)) {
            String item = element.trim();
            int dash = item.indexOf('-');
            int from;
            int to;
            try {
                if (dash < 0) {
                    from = Integer.parseInt(item);
                    to = from;
                } else {
                    from = Integer.parseInt(item.substring(0, dash).trim());
                    to = Integer.parseInt(item.substring(dash + 1).trim());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed VLAN list '" + text + "' at '" + item
                        + "': expected IDs and ranges such as 10,20-30", e);
            }
            checkVid(from);
            checkVid(to);
            if (from > to) {
                throw new IllegalArgumentException("malformed VLAN range '" + item + "' in '" + text
                        + "': the first ID must not exceed the second");
            }
            bits.set(from, to + 1);
        }
        return new VlanSet(bits);
    }

    /**
     * Builds a set of the given IDs.
     *
     * @param vids VLAN IDs in 1..4094
     * @return the set
     */
    public static VlanSet of(int... vids) {
        BitSet bits = new BitSet(MAX_VID + 1);
        for (int vid : vids) {
            checkVid(vid);
            bits.set(vid);
        }
        return new VlanSet(bits);
    }

    /**
     * Checks a VLAN ID.
     *
     * @param vid the ID
     * @return the ID
     * @throws IllegalArgumentException if it is outside 1..4094
     */
    public static int checkVid(int vid) {
        if (vid < MIN_VID || vid > MAX_VID) {
            throw new IllegalArgumentException("VLAN " + vid + " out of range: expected 1..4094 (0 and 4095 are"
                    + " reserved by IEEE 802.1Q)");
        }
        return vid;
    }

    /**
     * @param vid any int
     * @return whether the VLAN is in the set
     */
    public boolean contains(int vid) {
        return vid >= MIN_VID && vid <= MAX_VID && bits.get(vid);
    }

    /** @return true when no VLAN is in the set */
    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /** @return the IDs in ascending order */
    public int[] toArray() {
        return bits.stream().toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VlanSet other && bits.equals(other.bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    /** @return the canonical range syntax, e.g. {@code 10,20-30}; empty text for the empty set */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int from = bits.nextSetBit(0);
        while (from >= 0) {
            int to = bits.nextClearBit(from) - 1;
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(from);
            if (to > from) {
                sb.append('-').append(to);
            }
            from = bits.nextSetBit(to + 1);
        }
        return sb.toString();
    }
}
