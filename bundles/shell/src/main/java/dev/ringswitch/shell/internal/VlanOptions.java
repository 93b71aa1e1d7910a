package dev.ringswitch.shell.internal;

import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;

/**
 * Turns the {@code --mode}, {@code --vlan} and {@code --trunks} options of port-add and port-set into a
 * {@link VlanConfig} ({@code --mode none} removes the VLAN configuration). Parsing and range checks are the api's
 * ({@link VlanMode#parse}, {@link VlanSet#parse}, {@link VlanSet#checkVid}, the {@link VlanConfig} constructor); this
 * class only decides which of the port's current values an option leaves in place.
 */
final class VlanOptions {

    private VlanOptions() {
    }

    /**
     * @param current the port's configuration now ({@link VlanConfig#NONE} for a new port)
     * @param mode {@code --mode}, or {@code null} to keep the current mode
     * @param vlan {@code --vlan}, or {@code null} to keep the current access/native VLAN where it still applies
     * @param trunks {@code --trunks}, or {@code null} to keep the current allowed VLANs where they still apply
     * @return the new configuration
     * @throws IllegalArgumentException with the api's message for a bad mode, VLAN, range or combination
     */
    static VlanConfig apply(VlanConfig current, String mode, Integer vlan, String trunks) {
        if (vlan != null) {
            VlanSet.checkVid(vlan);
        }
        VlanSet allowed = trunks == null ? null : VlanSet.parse(trunks);
        if (PortSettingsCommand.NONE.equalsIgnoreCase(mode)) {
            return new VlanConfig(null, vlan == null ? 0 : vlan, allowed);
        }
        VlanMode next = mode == null ? current.mode() : VlanMode.parse(mode);
        if (next == VlanMode.ACCESS && allowed != null) {
            throw new IllegalArgumentException("--trunks applies to trunk and native-* ports, not to access ports");
        }
        int vid;
        if (vlan != null) {
            vid = vlan;
        } else if (next == VlanMode.TRUNK || current.mode() == VlanMode.TRUNK) {
            // A plain trunk has no native VLAN to keep, and none to hand on to another mode.
            vid = 0;
        } else {
            vid = current.vlan();
        }
        VlanSet kept = next == VlanMode.ACCESS || current.mode() == VlanMode.ACCESS ? VlanSet.EMPTY : current.trunks();
        return new VlanConfig(next, vid, allowed == null ? kept : allowed);
    }
}
