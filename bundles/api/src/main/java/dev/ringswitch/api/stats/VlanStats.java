package dev.ringswitch.api.stats;

/**
 * Traffic switched within one VLAN.
 *
 * @param vlan the VLAN ID, 1..4094, or 0 for frames the switch did not classify (no VLAN module, or a port without
 *             VLAN configuration)
 * @param frames frames switched in the VLAN: classified into it on ingress and not dropped
 * @param bytes their bytes, as switched: without the 802.1Q tag that the VLAN module removes on ingress
 */
public record VlanStats(int vlan, long frames, long bytes) {
}
