package dev.ringswitch.api.module;

/**
 * A mutable set of switch port numbers, 0..{@link #CAPACITY}-1, as a fixed bitmap: every operation is allocation-free
 * so that a ring slot can own one for life.
 */
public final class PortSet {

    /** The most ports a switch has at once. */
    public static final int CAPACITY = 256;

    private static final int WORDS = CAPACITY / 64;

    private final long[] words = new long[WORDS];

    /** @param port a port number to add */
    public void add(int port) {
        words[port >>> 6] |= 1L << port;
    }

    /** @param port a port number to remove */
    public void remove(int port) {
        words[port >>> 6] &= ~(1L << port);
    }

    /**
     * @param port a port number
     * @return whether it is in the set
     */
    public boolean contains(int port) {
        return port >= 0 && port < CAPACITY && (words[port >>> 6] & (1L << port)) != 0;
    }

    /** Empties the set. */
    public void clear() {
        for (int i = 0; i < WORDS; i++) {
            words[i] = 0;
        }
    }

    /** @param other the set to copy into this one */
    public void copyFrom(PortSet other) {
        System.arraycopy(other.words, 0, words, 0, WORDS);
    }

    /** @param other keep only ports that are also in {@code other} */
    public void retainAll(PortSet other) {
        for (int i = 0; i < WORDS; i++) {
            words[i] &= other.words[i];
        }
    }

    /** @param other remove every port that is in {@code other} */
    public void removeAll(PortSet other) {
        for (int i = 0; i < WORDS; i++) {
            words[i] &= ~other.words[i];
        }
    }

    /**
     * Narrows the set to one port, or to nothing if that port was not in it.
     *
     * @param port the only port to keep
     */
    public void retainOnly(int port) {
        boolean had = contains(port);
        clear();
        if (had) {
            add(port);
        }
    }

    /** @return true if no port is in the set */
    public boolean isEmpty() {
        for (int i = 0; i < WORDS; i++) {
            if (words[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the number of ports in the set */
    public int size() {
        int n = 0;
        for (int i = 0; i < WORDS; i++) {
            n += Long.bitCount(words[i]);
        }
        return n;
    }

    /**
     * Iterates without allocation: {@code for (int p = s.next(0); p >= 0; p = s.next(p + 1))}.
     *
     * @param from the first port number to look at
     * @return the smallest port in the set that is {@code >= from}, or -1
     */
    public int next(int from) {
        if (from >= CAPACITY) {
            return -1;
        }
        int w = from >>> 6;
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == WORDS) {
                return -1;
            }
            word = words[w];
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int p = next(0); p >= 0; p = next(p + 1)) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(p);
        }
        return sb.append('}').toString();
    }
}
