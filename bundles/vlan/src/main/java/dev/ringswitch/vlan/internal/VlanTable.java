package dev.ringswitch.vlan.internal;

import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of every port's 802.1Q role: what the datapath consults, per frame, to classify a frame into
 * a VLAN, to confine it to that VLAN's ports, and to decide whether it leaves a port tagged.
 *
 * <h2>What it maps</h2>
 * <ul>
 *   <li>Per port number (0..{@link PortSet#CAPACITY}-1): the port's mode, and the VLAN that untagged (and
 *       priority-tagged) frames join on it: the access VLAN, the native VLAN of a native-* trunk, or none (plain
 *       trunks drop untagged frames).</li>
 *   <li>Per VID (0..4095): the {@link PortSet} of ports that carry the VLAN. The ingress check and the egress
 *       confinement are the same lookup: a trunk may receive VLAN v only if it is a member of v, and a frame in v may
 *       only leave through members of v. Index 0 holds the ports without VLAN configuration, which form their own
 *       transparent domain (frames keep VLAN 0 and their tags as bytes); index 4095 is always empty.</li>
 * </ul>
 *
 * <h2>Complications</h2>
 * <ul>
 *   <li>A trunk with an empty list carries every VLAN (as in Open vSwitch). Rather than 4094 sets, every VLAN that
 *       no port names shares one set holding just those all-VLAN trunks; a VLAN that some port names gets its own
 *       set, started as a copy of the shared one.</li>
 *   <li>A native-* trunk always carries its native VLAN, listed in its trunks or not (Open vSwitch's
 *       {@code bundle_set} forces it in the same way).</li>
 *   <li>Access ports are members of their VLAN, yet drop tagged frames of it: the caller checks the mode before
 *       the membership.</li>
 * </ul>
 *
 * <h2>Thread safety</h2>
 * Built on a control thread; every field is final and nothing, the {@link PortSet}s included, is changed after the
 * constructor. A snapshot is published to the datapath thread through a volatile field and read there without
 * synchronisation.
 */
final class VlanTable {

    /** Mode code of a port without VLAN configuration (also of port numbers no port uses). */
    static final int NONE = 0;
    /** Mode code of {@link VlanMode#ACCESS}. */
    static final int ACCESS = 1;
    /** Mode code of {@link VlanMode#TRUNK}. */
    static final int TRUNK = 2;
    /** Mode code of {@link VlanMode#NATIVE_TAGGED}. */
    static final int NATIVE_TAGGED = 3;
    /** Mode code of {@link VlanMode#NATIVE_UNTAGGED}. */
    static final int NATIVE_UNTAGGED = 4;

    /** Number of 12-bit VIDs, 0..4095. */
    static final int VID_COUNT = 4096;

    /** The table with no ports. */
    static final VlanTable EMPTY = new VlanTable(List.of());

    private final byte[] modes = new byte[PortSet.CAPACITY];
    private final short[] untaggedVlans = new short[PortSet.CAPACITY];
    private final String[] names = new String[PortSet.CAPACITY];
    private final PortSet[] members = new PortSet[VID_COUNT];
    /** VLANs that some port names as its access, native or listed trunk VLAN. */
    private final BitSet named = new BitSet(VID_COUNT);

    /**
     * @param ports every port of the switch with its configuration
     * @throws IndexOutOfBoundsException if a port number is outside 0..{@link PortSet#CAPACITY}-1
     */
    VlanTable(Collection<PortInfo> ports) {
        PortSet unconfigured = new PortSet();
        PortSet allVlans = new PortSet();
        for (PortInfo port : ports) {
            int number = Objects.checkIndex(port.number(), PortSet.CAPACITY);
            VlanConfig config = port.config().vlan();
            names[number] = port.name();
            modes[number] = (byte) code(config.mode());
            if (config.mode() == null) {
                unconfigured.add(number);
                continue;
            }
            untaggedVlans[number] = (short) (config.mode() == VlanMode.TRUNK ? 0 : config.vlan());
            if (config.mode() == VlanMode.ACCESS) {
                named.set(config.vlan());
                continue;
            }
            if (config.vlan() != 0) {
                named.set(config.vlan());
            }
            if (config.trunks().isEmpty()) {
                allVlans.add(number);
            } else {
                for (int vid : config.trunks().toArray()) {
                    named.set(vid);
                }
            }
        }
        members[0] = unconfigured;
        members[VID_COUNT - 1] = new PortSet();
        for (int vid = VlanSet.MIN_VID; vid <= VlanSet.MAX_VID; vid++) {
            if (named.get(vid)) {
                PortSet set = new PortSet();
                set.copyFrom(allVlans);
                members[vid] = set;
            } else {
                members[vid] = allVlans;
            }
        }
        for (PortInfo port : ports) {
            VlanConfig config = port.config().vlan();
            if (config.mode() == null) {
                continue;
            }
            if (config.vlan() != 0) {
                members[config.vlan()].add(port.number());
            }
            if (config.mode() != VlanMode.ACCESS) {
                for (int vid : config.trunks().toArray()) {
                    members[vid].add(port.number());
                }
            }
        }
    }

    private static int code(VlanMode mode) {
        if (mode == null) {
            return NONE;
        }
        return switch (mode) {
            case ACCESS -> ACCESS;
            case TRUNK -> TRUNK;
            case NATIVE_TAGGED -> NATIVE_TAGGED;
            case NATIVE_UNTAGGED -> NATIVE_UNTAGGED;
        };
    }

    /**
     * @param port a port number, 0..{@link PortSet#CAPACITY}-1
     * @return its mode code, {@link #NONE} if it has no VLAN configuration or no port has that number
     */
    int mode(int port) {
        return modes[port];
    }

    /**
     * @param port a port number, 0..{@link PortSet#CAPACITY}-1
     * @return the VLAN that untagged and priority-tagged frames join on the port, 0 if they are dropped there
     */
    int untaggedVlan(int port) {
        return untaggedVlans[port];
    }

    /**
     * @param vid 0..4095
     * @return the ports carrying the VLAN; for 0, the ports without VLAN configuration. Never modify it.
     */
    PortSet members(int vid) {
        return members[vid];
    }

    /**
     * @param port an egress port number
     * @param vid the frame's VLAN, 1..4094
     * @return whether a frame of that VLAN leaves the port without a tag
     */
    boolean leavesUntagged(int port, int vid) {
        return switch (modes[port]) {
            case TRUNK, NATIVE_TAGGED -> false;
            case NATIVE_UNTAGGED -> untaggedVlans[port] == vid;
            default -> true;
        };
    }

    /**
     * @param vid a VLAN ID
     * @return whether a port names the VLAN as its access, native or a listed trunk VLAN
     */
    boolean isNamed(int vid) {
        return named.get(vid);
    }

    /**
     * Describes one VLAN for the operator.
     *
     * @param vid 1..4094
     * @param frames the VLAN's frame counter
     * @return the VLAN with its member ports, ordered by name
     */
    VlanInfo describe(int vid, long frames) {
        List<String> untagged = new ArrayList<>();
        List<String> tagged = new ArrayList<>();
        PortSet set = members[vid];
        for (int p = set.next(0); p >= 0; p = set.next(p + 1)) {
            (leavesUntagged(p, vid) ? untagged : tagged).add(names[p]);
        }
        untagged.sort(null);
        tagged.sort(null);
        return new VlanInfo(vid, untagged, tagged, frames);
    }
}
