package dev.ringswitch.api.vlan;

import java.util.Locale;

/**
 * How a port treats 802.1Q tags, with Open vSwitch's meanings.
 */
public enum VlanMode {
    /** One VLAN; frames untagged in and out; tagged frames arriving are dropped (priority tags, VID 0, are not). */
    ACCESS,
    /** Tagged frames of the allowed VLANs; untagged frames go to the native VLAN if set, else are dropped. */
    TRUNK,
    /** A trunk whose native VLAN leaves the port tagged. */
    NATIVE_TAGGED,
    /** A trunk whose native VLAN leaves the port untagged. */
    NATIVE_UNTAGGED;

    /** @return the operator's spelling, e.g. {@code native-untagged} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses the operator's spelling.
     *
     * @param text e.g. {@code access}, {@code trunk}, {@code native-tagged}, {@code native-untagged}
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values
     */
    public static VlanMode parse(String text) {
        for (VlanMode mode : values()) {
            if (mode.label().equalsIgnoreCase(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("invalid VLAN mode '" + text
                + "': expected one of access, trunk, native-tagged, native-untagged");
    }
}
