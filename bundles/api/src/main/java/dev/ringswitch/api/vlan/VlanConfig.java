package dev.ringswitch.api.vlan;

import java.util.Objects;

/**
 * A port's 802.1Q configuration.
 *
 * @param mode how the port treats tags; {@code null} means the port is not VLAN-configured and behaves as a plain
 *             untagged switch port (everything in the default VLAN, tags passed through untouched)
 * @param vlan the access VLAN for {@link VlanMode#ACCESS}, the native VLAN for the native-* trunks, 0 for TRUNK
 * @param trunks the allowed VLANs of a trunk (empty = all VLANs, as in Open vSwitch); ignored for access ports
 */
public record VlanConfig(VlanMode mode, int vlan, VlanSet trunks) {

    /** No VLAN configuration: the port behaves as before the VLAN module was installed. */
    public static final VlanConfig NONE = new VlanConfig(null, 0, VlanSet.EMPTY);

    /**
     * Validates the combination.
     *
     * @throws IllegalArgumentException naming what is missing or out of range
     */
    public VlanConfig {
        trunks = Objects.requireNonNullElse(trunks, VlanSet.EMPTY);
        if (mode == VlanMode.ACCESS) {
            if (vlan == 0) {
                throw new IllegalArgumentException("access mode needs a VLAN: add --vlan N (1..4094)");
            }
            VlanSet.checkVid(vlan);
        } else if (mode == VlanMode.TRUNK && vlan != 0) {
            throw new IllegalArgumentException("trunk mode has no native VLAN: use --mode native-untagged or"
                    + " native-tagged with --vlan " + vlan);
        } else if (mode != null) {
            if (vlan != 0) {
                VlanSet.checkVid(vlan);
            }
            if ((mode == VlanMode.NATIVE_TAGGED || mode == VlanMode.NATIVE_UNTAGGED) && vlan == 0) {
                throw new IllegalArgumentException(mode.label() + " mode needs a native VLAN: add --vlan N (1..4094)");
            }
        } else if (vlan != 0 || !trunks.isEmpty()) {
            throw new IllegalArgumentException("--vlan and --trunks need a mode: add --mode access|trunk|native-tagged"
                    + "|native-untagged");
        }
    }

    /**
     * @param vlan the access VLAN
     * @return an access port configuration
     */
    public static VlanConfig access(int vlan) {
        return new VlanConfig(VlanMode.ACCESS, vlan, VlanSet.EMPTY);
    }

    /**
     * @param trunks the allowed VLANs
     * @return a trunk without native VLAN
     */
    public static VlanConfig trunk(VlanSet trunks) {
        return new VlanConfig(VlanMode.TRUNK, 0, trunks);
    }

    /** @return true if the port has a VLAN mode */
    public boolean isConfigured() {
        return mode != null;
    }

    /** @return a short human description, e.g. {@code access 10}, {@code trunk 10,20}, {@code -} */
    public String describe() {
        if (mode == null) {
            return "-";
        }
        return switch (mode) {
            case ACCESS -> "access " + vlan;
            case TRUNK -> "trunk " + (trunks.isEmpty() ? "all" : trunks);
            case NATIVE_TAGGED, NATIVE_UNTAGGED -> mode.label() + " " + vlan + " trunks "
                    + (trunks.isEmpty() ? "all" : trunks);
        };
    }
}
