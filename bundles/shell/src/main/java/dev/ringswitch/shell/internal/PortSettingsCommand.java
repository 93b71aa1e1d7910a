package dev.ringswitch.shell.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * The port settings that port-add and port-set share, with one meaning: an option not given leaves the setting as
 * it is (the kernel default for a new port).
 */
abstract class PortSettingsCommand extends RingSwitchCommand {

    /** Spelling that clears the address or the VLAN configuration. */
    static final String NONE = "none";
    /** Spelling that gives a port the switch-wide storm limit again. */
    static final String DEFAULT = PortConfig.STORM_CONTROL_DEFAULT;

    @Option(name = "--mtu", description = "MTU in bytes (68..65521; default 1500)")
    Integer mtu;

    @Option(name = "--mac", description = "MAC address, e.g. 02:00:00:00:00:01 (default: random)")
    String mac;

    @Option(name = "--address", description = "IPv4 address of the interface, A.B.C.D/LEN, or none")
    String address;

    @Option(name = "--mode", description = "802.1Q mode: access, trunk, native-tagged, native-untagged, or none for"
            + " a plain port")
    @Completion(value = StringsCompleter.class,
            values = {"access", "trunk", "native-tagged", "native-untagged", NONE})
    String mode;

    @Option(name = "--vlan", description = "Access VLAN, or native VLAN of a native-* trunk (1..4094)")
    Integer vlan;

    @Option(name = "--trunks", description = "VLANs a trunk carries, e.g. 10,20-30 (default: all)")
    String trunks;

    @Option(name = "--storm-control", description = "Broadcast and multicast frames per second the port may send"
            + " (0 = no limit), or default for the switch-wide stormControlPps")
    @Completion(value = StringsCompleter.class, values = {DEFAULT, "0"})
    String stormControl;

    /** @return whether any of the shared options was given */
    boolean anySetting() {
        return mtu != null || mac != null || address != null || mode != null || vlan != null || trunks != null
                || stormControl != null;
    }

    /**
     * @param config a port's configuration
     * @return it with the given options applied; parsing and validation are the api's
     * @throws IllegalArgumentException with the api's message for the first bad option
     */
    PortConfig applyTo(PortConfig config) {
        PortConfig c = config;
        if (mtu != null) {
            c = c.withMtu(mtu);
        }
        if (mac != null) {
            c = c.withMac(MacAddress.parse(mac));
        }
        if (address != null) {
            c = c.withIpv4(NONE.equalsIgnoreCase(address) ? null : Ipv4Prefix.parse(address));
        }
        if (mode != null || vlan != null || trunks != null) {
            c = c.withVlan(VlanOptions.apply(c.vlan(), mode, vlan, trunks));
        }
        if (stormControl != null) {
            c = c.withStormControlPps(stormLimit(stormControl));
        }
        return c;
    }

    /** @return the limit, or {@code null} for {@value #DEFAULT}; the api's message names the option */
    private static Integer stormLimit(String text) {
        try {
            return PortConfig.parseStormControlPps(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--storm-control " + e.getMessage(), e);
        }
    }
}
