package dev.ringswitch.api.port;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.vlan.VlanConfig;

import java.util.Objects;

/**
 * Everything an operator can say about a port. Immutable; use the {@code with...} methods to derive changed copies.
 *
 * @param name interface name (1..15 bytes), or a pattern such as {@code tap%d} to let the kernel choose
 * @param mtu MTU in bytes, or 0 to keep the kernel default (1500)
 * @param mac MAC address of the kernel side of the interface, or {@code null} for a random one
 * @param ipv4 IPv4 address to assign to the kernel side, or {@code null} for none
 * @param up whether the link is administratively up
 * @param persistent whether the interface outlives the fd (TUNSETPERSIST)
 * @param vnetHdr open with IFF_VNET_HDR (a virtio-net header precedes every frame)
 * @param multiQueue open with IFF_MULTI_QUEUE
 * @param vlan the 802.1Q configuration, {@link VlanConfig#NONE} for a plain port
 * @param netns the named network namespace ({@code ip netns}, {@code /run/netns/NAME}) the interface is created in,
 *              or {@code null} for the switch's own
 * @param stormControlPps broadcast and multicast frames the port may send per second, 0 for no limit, or
 *                        {@code null} for the switch-wide {@code stormControlPps}
 */
public record PortConfig(String name, int mtu, MacAddress mac, Ipv4Prefix ipv4, boolean up, boolean persistent,
                         boolean vnetHdr, boolean multiQueue, VlanConfig vlan, String netns,
                         Integer stormControlPps) {

    /** Smallest MTU accepted: the IPv4 minimum (RFC 791). */
    public static final int MIN_MTU = 68;
    /** Largest MTU accepted: what the Linux TUN driver allows (65535 minus the Ethernet header). */
    public static final int MAX_MTU = 65521;
    /** Highest storm-control limit accepted, frames per second (the switch-wide setting's too). */
    public static final int MAX_STORM_CONTROL_PPS = 100_000_000;
    /** How an operator writes "the switch-wide storm-control limit" for a port, in a command or a file. */
    public static final String STORM_CONTROL_DEFAULT = "default";

    /**
     * Validates the configuration.
     *
     * @throws IllegalArgumentException naming the field, the value and the accepted range
     */
    public PortConfig {
        PortNames.check(name);
        if (mtu != 0 && (mtu < MIN_MTU || mtu > MAX_MTU)) {
            throw new IllegalArgumentException("MTU " + mtu + " out of range: expected " + MIN_MTU + ".." + MAX_MTU);
        }
        if (mac != null && (mac.isMulticast() || mac.isZero())) {
            throw new IllegalArgumentException("invalid MAC address " + mac
                    + " for a port: it must be unicast and not all-zero (first octet even), e.g. 02:00:00:00:00:01");
        }
        vlan = Objects.requireNonNullElse(vlan, VlanConfig.NONE);
        if (netns != null && (netns.isEmpty() || netns.length() > 255 || netns.contains("/") || netns.equals(".")
                || netns.equals("..") || !netns.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("invalid network namespace name '" + netns + "': expected the name"
                    + " of a namespace in /run/netns, as ip netns list shows it");
        }
        if (stormControlPps != null && (stormControlPps < 0 || stormControlPps > MAX_STORM_CONTROL_PPS)) {
            throw new IllegalArgumentException("storm-control limit " + stormControlPps + " out of range: expected 0"
                    + " (no limit) to " + MAX_STORM_CONTROL_PPS + " frames per second, or default for the switch's");
        }
    }

    /**
     * Reads a port's storm-control limit as an operator writes it; the range is the constructor's to check.
     *
     * @param text frames per second, 0 for no limit, or {@value #STORM_CONTROL_DEFAULT} for the switch-wide limit
     * @return the limit, or {@code null} for the switch-wide one
     * @throws IllegalArgumentException if it is neither a whole number nor {@value #STORM_CONTROL_DEFAULT}
     */
    public static Integer parseStormControlPps(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase(STORM_CONTROL_DEFAULT)) {
            return null;
        }
        try {
            return Integer.valueOf(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number of frames per second: give e.g. 1000,"
                    + " 0 for no limit, or " + STORM_CONTROL_DEFAULT + " for the switch-wide limit", e);
        }
    }

    /**
     * A port with the switch-wide storm-control limit.
     *
     * @param name interface name
     * @param mtu MTU, or 0
     * @param mac MAC address, or {@code null}
     * @param ipv4 IPv4 address, or {@code null}
     * @param up administrative state
     * @param persistent TUNSETPERSIST
     * @param vnetHdr IFF_VNET_HDR
     * @param multiQueue IFF_MULTI_QUEUE
     * @param vlan the 802.1Q configuration
     * @param netns the named network namespace, or {@code null}
     */
    public PortConfig(String name, int mtu, MacAddress mac, Ipv4Prefix ipv4, boolean up, boolean persistent,
                      boolean vnetHdr, boolean multiQueue, VlanConfig vlan, String netns) {
        this(name, mtu, mac, ipv4, up, persistent, vnetHdr, multiQueue, vlan, netns, null);
    }

    /**
     * A port in the switch's own network namespace.
     *
     * @param name interface name
     * @param mtu MTU, or 0
     * @param mac MAC address, or {@code null}
     * @param ipv4 IPv4 address, or {@code null}
     * @param up administrative state
     * @param persistent TUNSETPERSIST
     * @param vnetHdr IFF_VNET_HDR
     * @param multiQueue IFF_MULTI_QUEUE
     * @param vlan the 802.1Q configuration
     */
    public PortConfig(String name, int mtu, MacAddress mac, Ipv4Prefix ipv4, boolean up, boolean persistent,
                      boolean vnetHdr, boolean multiQueue, VlanConfig vlan) {
        this(name, mtu, mac, ipv4, up, persistent, vnetHdr, multiQueue, vlan, null, null);
    }

    /**
     * @param name the interface name
     * @return a port with kernel defaults, up, not persistent, no VLAN configuration
     */
    public static PortConfig of(String name) {
        return new PortConfig(name, 0, null, null, true, false, false, false, VlanConfig.NONE);
    }

    /** @param value new MTU @return a copy with it */
    public PortConfig withMtu(int value) {
        return new PortConfig(name, value, mac, ipv4, up, persistent, vnetHdr, multiQueue, vlan, netns,
                stormControlPps);
    }

    /** @param value new MAC @return a copy with it */
    public PortConfig withMac(MacAddress value) {
        return new PortConfig(name, mtu, value, ipv4, up, persistent, vnetHdr, multiQueue, vlan, netns,
                stormControlPps);
    }

    /** @param value new IPv4 address @return a copy with it */
    public PortConfig withIpv4(Ipv4Prefix value) {
        return new PortConfig(name, mtu, mac, value, up, persistent, vnetHdr, multiQueue, vlan, netns, stormControlPps);
    }

    /** @param value new admin state @return a copy with it */
    public PortConfig withUp(boolean value) {
        return new PortConfig(name, mtu, mac, ipv4, value, persistent, vnetHdr, multiQueue, vlan, netns,
                stormControlPps);
    }

    /** @param value new persistence @return a copy with it */
    public PortConfig withPersistent(boolean value) {
        return new PortConfig(name, mtu, mac, ipv4, up, value, vnetHdr, multiQueue, vlan, netns, stormControlPps);
    }

    /** @param value whether to use IFF_VNET_HDR @return a copy with it */
    public PortConfig withVnetHdr(boolean value) {
        return new PortConfig(name, mtu, mac, ipv4, up, persistent, value, multiQueue, vlan, netns, stormControlPps);
    }

    /** @param value whether to use IFF_MULTI_QUEUE @return a copy with it */
    public PortConfig withMultiQueue(boolean value) {
        return new PortConfig(name, mtu, mac, ipv4, up, persistent, vnetHdr, value, vlan, netns, stormControlPps);
    }

    /** @param value new VLAN configuration @return a copy with it */
    public PortConfig withVlan(VlanConfig value) {
        return new PortConfig(name, mtu, mac, ipv4, up, persistent, vnetHdr, multiQueue, value, netns, stormControlPps);
    }

    /** @param value the named network namespace to create the interface in, or {@code null} @return a copy with it */
    public PortConfig withNetns(String value) {
        return new PortConfig(name, mtu, mac, ipv4, up, persistent, vnetHdr, multiQueue, vlan, value, stormControlPps);
    }

    /**
     * @param value broadcast and multicast frames per second, 0 for no limit, {@code null} for the switch-wide limit
     * @return a copy with it
     */
    public PortConfig withStormControlPps(Integer value) {
        return new PortConfig(name, mtu, mac, ipv4, up, persistent, vnetHdr, multiQueue, vlan, netns, value);
    }
}
