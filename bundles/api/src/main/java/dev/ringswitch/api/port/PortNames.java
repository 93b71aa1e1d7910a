package dev.ringswitch.api.port;

import java.nio.charset.StandardCharsets;

/**
 * Linux interface-name rules, checked before any syscall so that a bad name fails with a precise message instead of
 * an errno.
 */
public final class PortNames {

    /** IFNAMSIZ is 16 including the terminating NUL. */
    public static final int MAX_LENGTH = 15;

    private PortNames() {
    }

    /**
     * Checks a name the kernel would accept for a new interface: 1..15 bytes, no '/', ':', whitespace or control
     * characters, and not "." or "..". A {@code %d} pattern such as {@code tap%d} is allowed: the kernel picks the number.
     *
     * @param name the requested interface name
     * @return the name
     * @throws IllegalArgumentException naming the rule that was broken
     */
    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("port name is empty: give 1 to 15 characters, e.g. tap0");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid port name '" + name + "': " + bytes
                    + " bytes, Linux allows at most 15 (IFNAMSIZ)");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid port name '" + name + "': reserved by Linux");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("invalid port name '" + name + "': character '"
                        + (Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c))
                        + "' is not allowed (no '/', ':', whitespace or control characters)");
            }
        }
        return name;
    }
}
