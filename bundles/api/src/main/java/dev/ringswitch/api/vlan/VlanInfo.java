package dev.ringswitch.api.vlan;

import java.util.List;

/**
 * One VLAN as the operator sees it: which ports carry it, and how.
 *
 * @param vid the VLAN ID, 1..4094
 * @param untaggedPorts ports where the VLAN enters and leaves untagged (access ports, native-untagged trunks whose
 *                      native VLAN it is), ordered by name
 * @param taggedPorts ports that carry the VLAN tagged (trunks, including those that allow every VLAN), ordered by name
 * @param frames frames classified into the VLAN on ingress since the module started
 */
public record VlanInfo(int vid, List<String> untaggedPorts, List<String> taggedPorts, long frames) {

    /**
     * Copies the lists.
     */
    public VlanInfo {
        untaggedPorts = List.copyOf(untaggedPorts);
        taggedPorts = List.copyOf(taggedPorts);
    }
}
