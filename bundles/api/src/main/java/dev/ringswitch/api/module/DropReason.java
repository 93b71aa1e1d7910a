package dev.ringswitch.api.module;

import java.util.Locale;

/**
 * Why a frame was dropped. Counted per port and reason; the label is the Prometheus {@code reason} label.
 */
public enum DropReason {
    /** Shorter than an Ethernet header (14 bytes). */
    RUNT,
    /**
     * Structurally invalid: truncated tag, bad length, or (on a VLAN-configured port) more than one tag or an 802.1ad
     * outer tag, which the switch does not carry.
     */
    MALFORMED,
    /** Longer than the ingress port's MTU allows. */
    TOO_LONG,
    /** Source MAC is multicast, broadcast or all-zero. */
    INVALID_SOURCE,
    /** Tagged with a VLAN the port does not carry, or untagged on a trunk without native VLAN. */
    VLAN_NOT_ALLOWED,
    /** A VID that IEEE 802.1Q reserves (4095). */
    VLAN_RESERVED,
    /** The destination was learned on the ingress port itself. */
    SAME_PORT,
    /** Broadcast/multicast over the port's storm-control rate. */
    STORM,
    /** A forwarding module threw while handling the frame. */
    MODULE_ERROR,
    /** Dropped by a module's policy. */
    POLICY,
    /** No egress port left after every module ran. */
    NO_EGRESS;

    /** @return the lower-case label, e.g. {@code vlan_not_allowed} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
