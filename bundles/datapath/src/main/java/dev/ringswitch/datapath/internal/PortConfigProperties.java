package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;

import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A port's configuration as ConfigAdmin properties: one factory configuration of PID {@value #FACTORY_PID} per port,
 * named after the port ({@code ringswitch.port~tap0}), kept by Karaf in {@code etc/ringswitch.port-tap0.cfg}. The
 * keys and defaults live here and nowhere else; {@link #FILE_HEADER} documents them in every saved file.
 *
 * <p>Values are written as strings, so that the file, {@code config:edit} and ConfigAdmin hold the same thing, and
 * read leniently (strings, numbers, booleans), so that a hand-written typed file works too. Parsing reuses the api's
 * value types, whose messages name the value and the accepted form; this class adds the key.
 */
final class PortConfigProperties {

    /** Factory PID of the port configurations. */
    static final String FACTORY_PID = "ringswitch.port";

    /** The port name, for a factory configuration without a name ({@code config:edit --factory}); else the PID's. */
    static final String NAME = "name";
    /** MTU in bytes; absent or 0 = the kernel default. */
    static final String MTU = "mtu";
    /** MAC address of the interface; absent = random (then saved, so that it survives restarts). */
    static final String MAC = "mac";
    /** IPv4 address A.B.C.D/LEN of the interface; absent = none. */
    static final String ADDRESS = "address";
    /** Administrative link state; default true. */
    static final String UP = "up";
    /** TUNSETPERSIST; default false. */
    static final String PERSISTENT = "persistent";
    /** IFF_MULTI_QUEUE; default false, saved only when true. */
    static final String MULTI_QUEUE = "multiQueue";
    /** The named network namespace the interface is created in; absent = the switch's own. */
    static final String NETNS = "netns";
    /** 802.1Q mode: access, trunk, native-tagged, native-untagged; absent = a plain port. */
    static final String MODE = "mode";
    /** Access VLAN, or native VLAN of a native-* trunk. */
    static final String VLAN = "vlan";
    /** Allowed VLANs of a trunk, e.g. 10,20-30; absent = all. */
    static final String TRUNKS = "trunks";

    /** Broadcast and multicast frames per second the port may send, 0 = no limit; absent = the switch-wide limit. */
    static final String STORM_CONTROL_PPS = "stormControlPps";

    /** Every key this class reads and writes, in the order it writes them. */
    static final List<String> KEYS = List.of(MTU, MAC, ADDRESS, UP, PERSISTENT, MULTI_QUEUE, NETNS, MODE, VLAN,
            TRUNKS, STORM_CONTROL_PPS);

    /** Comment block at the top of every port file the switch writes. */
    static final String FILE_HEADER = """
            #
            # A RingSwitch port (factory PID ringswitch.port; the port is named after this file). Saved by the switch
            # when the port was added; the switch keeps it up to date. Edit this file, or run
            # config:edit ringswitch.port~NAME, to reconfigure the running port; delete it to remove the port; copy it
            # to ringswitch.port-OTHER.cfg to add a port OTHER with the same settings.
            #
            #   mtu         MTU in bytes, 68..65521 (absent: kernel default, 1500)
            #   mac         MAC address of the interface, e.g. 02:00:00:00:00:01 (absent: random, then saved)
            #   address     IPv4 address of the interface, A.B.C.D/LEN (absent: none)
            #   up          true | false: administrative link state (default true)
            #   persistent  true | false: the interface outlives the switch (TUNSETPERSIST); changing it re-creates
            #               the port
            #   netns       the network namespace (ip netns) the interface is created in (absent: the switch's);
            #               changing it re-creates the port
            #   mode        access | trunk | native-tagged | native-untagged (absent: a plain port, no VLANs)
            #   vlan        access VLAN, or native VLAN of a native-* trunk, 1..4094
            #   trunks      VLANs a trunk carries, e.g. 10,20-30 (absent: all)
            #   stormControlPps  broadcast and multicast frames per second the port may send, 0 for no limit
            #               (absent: stormControlPps of etc/ringswitch.datapath.cfg)
            #
            """;

    private PortConfigProperties() {
    }

    /**
     * @param name a port name
     * @return the PID of its named factory configuration, e.g. {@code ringswitch.port~tap0}
     */
    static String pidOf(String name) {
        return FACTORY_PID + "~" + name;
    }

    /**
     * @param pid a configuration PID
     * @return the name part of a named factory configuration of {@value #FACTORY_PID}, or {@code null}
     */
    static String nameInPid(String pid) {
        String prefix = FACTORY_PID + "~";
        return pid != null && pid.startsWith(prefix) && pid.length() > prefix.length()
                ? pid.substring(prefix.length()) : null;
    }

    /**
     * The port a configuration describes: the {@value #NAME} key if present, else the PID's name part.
     *
     * @param pid the configuration's PID
     * @param properties its properties
     * @return the port name
     * @throws IllegalArgumentException if neither gives a name, or they disagree
     */
    static String portName(String pid, Dictionary<String, ?> properties) {
        String inPid = nameInPid(pid);
        Object key = properties.get(NAME);
        String inKey = key == null || key.toString().isBlank() ? null : key.toString().trim();
        if (inKey == null && inPid == null) {
            throw new IllegalArgumentException("no port name: name the file ringswitch.port-NAME.cfg or add"
                    + " name = NAME");
        }
        if (inKey != null && inPid != null && !inKey.equals(inPid)) {
            throw new IllegalArgumentException("name = " + inKey + " contradicts the configuration's name " + inPid
                    + ": remove the name key or rename the file");
        }
        return inKey != null ? inKey : inPid;
    }

    /**
     * Reads a port configuration.
     *
     * @param name the port name
     * @param properties the configuration's properties; keys other than {@link #KEYS} are ignored
     * @return the configuration
     * @throws IllegalArgumentException naming the key and the problem
     */
    static PortConfig parse(String name, Dictionary<String, ?> properties) {
        if (name.contains("%")) {
            throw new IllegalArgumentException("port name " + name + " is a pattern: a saved port needs its real name");
        }
        VlanMode mode = parse(properties, MODE, VlanMode::parse);
        Integer vlan = parse(properties, VLAN, PortConfigProperties::toInt);
        VlanSet trunks = parse(properties, TRUNKS, VlanSet::parse);
        VlanConfig vlanConfig = new VlanConfig(mode, vlan == null ? 0 : vlan, trunks);
        Integer mtu = parse(properties, MTU, PortConfigProperties::toInt);
        MacAddress mac = parse(properties, MAC, MacAddress::parse);
        Ipv4Prefix address = parse(properties, ADDRESS, Ipv4Prefix::parse);
        Boolean up = parse(properties, UP, PortConfigProperties::toBoolean);
        Boolean persistent = parse(properties, PERSISTENT, PortConfigProperties::toBoolean);
        Boolean multiQueue = parse(properties, MULTI_QUEUE, PortConfigProperties::toBoolean);
        String netns = parse(properties, NETNS, Function.identity());
        Integer storm = parse(properties, STORM_CONTROL_PPS, PortConfig::parseStormControlPps);
        return new PortConfig(name, mtu == null ? 0 : mtu, mac, address, up == null || up,
                persistent != null && persistent, false, multiQueue != null && multiQueue, vlanConfig, netns, storm);
    }

    /**
     * Writes a port configuration.
     *
     * @param config the port as it runs (name resolved, MTU and MAC as the kernel has them)
     * @return its properties as strings, in {@link #KEYS} order; keys at their "absent" default are left out
     */
    static Map<String, String> toProperties(PortConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        if (config.mtu() != 0) {
            out.put(MTU, Integer.toString(config.mtu()));
        }
        if (config.mac() != null) {
            out.put(MAC, config.mac().toString());
        }
        if (config.ipv4() != null) {
            out.put(ADDRESS, config.ipv4().toString());
        }
        out.put(UP, Boolean.toString(config.up()));
        out.put(PERSISTENT, Boolean.toString(config.persistent()));
        if (config.multiQueue()) {
            out.put(MULTI_QUEUE, "true");
        }
        if (config.netns() != null) {
            out.put(NETNS, config.netns());
        }
        VlanConfig vlan = config.vlan();
        if (vlan.isConfigured()) {
            out.put(MODE, vlan.mode().label());
            if (vlan.vlan() != 0) {
                out.put(VLAN, Integer.toString(vlan.vlan()));
            }
            if (!vlan.trunks().isEmpty()) {
                out.put(TRUNKS, vlan.trunks().toString());
            }
        }
        if (config.stormControlPps() != null) {
            out.put(STORM_CONTROL_PPS, Integer.toString(config.stormControlPps()));
        }
        return out;
    }

    /**
     * @param config the port
     * @return the text of its file: {@link #FILE_HEADER} and one {@code key = value} line per property
     */
    static String fileText(PortConfig config) {
        StringBuilder sb = new StringBuilder(FILE_HEADER);
        toProperties(config).forEach((k, v) -> sb.append(k).append(" = ").append(escape(v)).append('\n'));
        return sb.toString();
    }

    /** Escapes what a properties file would misread; our values hold none of it unless a name is exotic. */
    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c < 0x20 || c > 0x7e) {
                // Karaf reads cfg files as ISO-8859-1: keep the file ASCII.
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Reads one key; the api's message gets the key in front, since a file has no option names. */
    private static <T> T parse(Dictionary<String, ?> properties, String key, Function<String, T> parser) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        try {
            return parser.apply(value.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static int toInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
        }
    }

    private static boolean toBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }
}
