package dev.ringswitch.api.module;

import java.util.Locale;

/**
 * Why a frame was dropped. Counted per port and reason; the label is the Prometheus {@code reason} label. Most
 * reasons apply on ingress (the frame is dropped for every port); {@link #LINK_DOWN}, {@link #QUEUE_FULL},
 * {@link #IO_ERROR} and {@link #MODULE_ERROR} (a tagging module that threw) also apply to one egress port.
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
    /**
     * Tagged with a VLAN the port does not carry, or untagged on a trunk without native VLAN; also any frame from a
     * port with VLAN configuration while no VLAN (tagging) module is active to classify it (the switch fails closed).
     */
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
    NO_EGRESS,
    /**
     * Lost before the switch read it: the port's kernel queue overflowed while ingress had stopped reading because
     * the ring was full (or the switch fell behind). Counted by the kernel, not by the datapath.
     *
     * @since 1.2
     */
    RING_FULL,
    /**
     * Not written because the egress port is down: administratively, or the kernel refused the write with EIO.
     *
     * @since 1.2
     */
    LINK_DOWN,
    /**
     * Not written because the egress port's kernel queue was full (the write would have blocked).
     *
     * @since 1.2
     */
    QUEUE_FULL,
    /**
     * Not written because the write failed with an unexpected error; also counted as a port error.
     *
     * @since 1.2
     */
    IO_ERROR;

    /** @return the lower-case label, e.g. {@code vlan_not_allowed} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
