package dev.ringswitch.vlan.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanService;
import dev.ringswitch.api.vlan.VlanSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The VLAN advisor: IEEE 802.1Q access and trunk ports with Open vSwitch's meanings. It classifies each frame into a
 * VLAN on ingress, confines its egress set to that VLAN's ports, and tells the datapath ({@link EgressTagging}) which
 * egress ports get a tag. Also the operator's {@link VlanService}.
 *
 * <h2>Ingress, per frame</h2>
 * On a port without VLAN configuration the frame is not touched: VLAN 0, tags stay in the bytes, and it may only
 * leave through other unconfigured ports (they form their own transparent domain, so installing the module changes
 * nothing until ports are configured, and nothing crosses into or out of a VLAN). On a configured port:
 * <ol>
 *   <li>shorter than an Ethernet header: {@link DropReason#RUNT};</li>
 *   <li>802.1ad outer tag, an 802.1Q tag cut short, or a second tag inside the first: {@link DropReason#MALFORMED}
 *       (single tags only; forwarding an inner tag would let a frame hop VLANs on the next switch);</li>
 *   <li>VID 4095: {@link DropReason#VLAN_RESERVED};</li>
 *   <li>untagged or priority-tagged (VID 0): the access or native VLAN, or {@link DropReason#VLAN_NOT_ALLOWED} on
 *       a trunk without one;</li>
 *   <li>tagged with VID 1..4094: dropped {@link DropReason#VLAN_NOT_ALLOWED} on an access port or on a trunk that
 *       does not carry the VLAN;</li>
 *   <li>otherwise the tag is removed in memory ({@link Frame#popTag()}), its PCP and DEI kept in the frame, the VLAN
 *       set, and {@link Frame#egress()} narrowed to the VLAN's ports.</li>
 * </ol>
 * Egress: access ports and a native-untagged trunk's native VLAN leave untagged; everything else leaves tagged with
 * the frame's VLAN, PCP and DEI.
 *
 * <h2>Configuration and threads</h2>
 * Per-port {@link VlanConfig} comes from {@link PortService} events, on control threads. Each change rebuilds an
 * immutable {@link VlanTable} and publishes it through a volatile field. The datapath thread takes the published
 * table in {@link #onBatchStart()} and uses that one for the whole batch, so a change takes effect at a frame (and
 * batch) boundary and a frame is classified and tagged under one configuration. {@link #egressTci} therefore must be
 * called by the datapath for frames of the current batch, before the next {@link #onBatchStart()}. The per-frame path
 * takes no lock and allocates nothing. Flushing MAC entries learned under an old configuration is the L2 module's
 * business: it follows the same port events.
 */
@Component(service = {ForwardingModule.class, VlanService.class},
        property = "ringswitch.module.name=" + VlanModule.NAME)
public final class VlanModule implements ForwardingModule, EgressTagging, VlanService {

    /** Module name, also the {@code ringswitch.module.name} service property. */
    public static final String NAME = "vlan";
    /** Runs before other advisors, so that they see frames already classified and untagged. */
    public static final int PRIORITY = -100;

    private static final Logger LOG = LoggerFactory.getLogger(VlanModule.class);
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int VID_MASK = 0x0FFF;
    private static final int DEI_BIT = 0x1000;
    private static final int PCP_SHIFT = 13;
    private static final int RESERVED_VID = 0x0FFF;

    private final PortService portService;
    private final PortListener listener = this::portChanged;
    private final Object configLock = new Object();
    /** Ports by number, as last reported; guarded by configLock. */
    private final Map<Integer, PortInfo> ports = new HashMap<>();
    /**
     * Frames classified into each VLAN. Written only by the datapath thread, with opaque stores so that readers on
     * control threads see whole values without making the datapath pay for fences.
     */
    private final long[] frames = new long[VlanTable.VID_COUNT];

    private volatile VlanTable published = VlanTable.EMPTY;
    /** The datapath thread's table for the current batch. */
    private VlanTable table = VlanTable.EMPTY;

    /**
     * DS constructor.
     *
     * @param portService the switch's ports: their VLAN configuration and its changes
     */
    @Activate
    public VlanModule(@Reference(name = "portService") PortService portService) {
        this.portService = Objects.requireNonNull(portService, "portService");
    }

    /** Starts following port events; the service replays an ADDED event for every existing port. */
    @Activate
    void activate() {
        portService.addListener(listener);
        LOG.info("Started: {} VLAN-configured ports", configuredPorts());
    }

    /** Stops following port events. */
    @Deactivate
    void deactivate() {
        portService.removeListener(listener);
        LOG.info("Stopped");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Band band() {
        return Band.ADVISOR;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public void onStart() {
        table = published;
    }

    @Override
    public void onBatchStart() {
        table = published;
    }

    @Override
    public void process(Frame frame) {
        VlanTable t = table;
        int in = frame.ingressPort();
        int mode = t.mode(in);
        if (mode == VlanTable.NONE) {
            frame.egress().retainAll(t.members(0));
            return;
        }
        int length = frame.length();
        if (length < Frame.ETH_HEADER) {
            frame.drop(DropReason.RUNT);
            return;
        }
        int type = frame.etherType();
        int vid;
        if (type == Frame.TPID_8021Q) {
            if (length < Frame.ETH_HEADER + Frame.TAG_LENGTH) {
                frame.drop(DropReason.MALFORMED);
                return;
            }
            int inner = frame.getShort(Frame.ETH_HEADER + 2);
            if (inner == Frame.TPID_8021Q || inner == Frame.TPID_8021AD) {
                frame.drop(DropReason.MALFORMED);
                return;
            }
            int tci = frame.getShort(Frame.ETH_HEADER);
            vid = tci & VID_MASK;
            if (vid == RESERVED_VID) {
                frame.drop(DropReason.VLAN_RESERVED);
                return;
            }
            if (vid == 0) {
                vid = t.untaggedVlan(in);
            } else if (mode == VlanTable.ACCESS || !t.members(vid).contains(in)) {
                vid = 0;
            }
            if (vid == 0) {
                frame.drop(DropReason.VLAN_NOT_ALLOWED);
                return;
            }
            frame.popTag();
            frame.setPcp(tci >>> PCP_SHIFT);
            frame.setDei((tci & DEI_BIT) != 0);
        } else if (type == Frame.TPID_8021AD) {
            frame.drop(DropReason.MALFORMED);
            return;
        } else {
            vid = t.untaggedVlan(in);
            if (vid == 0) {
                frame.drop(DropReason.VLAN_NOT_ALLOWED);
                return;
            }
        }
        frame.setVlan(vid);
        frame.egress().retainAll(t.members(vid));
        COUNTER.setOpaque(frames, vid, (long) COUNTER.getOpaque(frames, vid) + 1L);
    }

    @Override
    public int egressTci(Frame frame, int port) {
        int vid = frame.vlan();
        if (vid == 0 || table.leavesUntagged(port, vid)) {
            return UNTAGGED;
        }
        return frame.pcp() << PCP_SHIFT | (frame.dei() ? DEI_BIT : 0) | vid;
    }

    @Override
    public List<VlanInfo> vlans() {
        VlanTable t = published;
        List<VlanInfo> result = new ArrayList<>();
        for (int vid = VlanSet.MIN_VID; vid <= VlanSet.MAX_VID; vid++) {
            long count = (long) COUNTER.getOpaque(frames, vid);
            if (t.isNamed(vid) || count != 0) {
                result.add(t.describe(vid, count));
            }
        }
        return result;
    }

    @Override
    public Optional<VlanInfo> vlan(int vid) {
        if (vid < VlanSet.MIN_VID || vid > VlanSet.MAX_VID) {
            return Optional.empty();
        }
        VlanTable t = published;
        long count = (long) COUNTER.getOpaque(frames, vid);
        return t.isNamed(vid) || count != 0 ? Optional.of(t.describe(vid, count)) : Optional.empty();
    }

    private void portChanged(PortEvent event) {
        PortInfo port = event.port();
        synchronized (configLock) {
            PortInfo old = ports.get(port.number());
            if (event.type() == PortEvent.Type.REMOVED) {
                if (old == null || !old.name().equals(port.name())) {
                    return;
                }
                ports.remove(port.number());
            } else {
                ports.put(port.number(), port);
                if (old != null && old.name().equals(port.name())
                        && old.config().vlan().equals(port.config().vlan())) {
                    // MTU, address or link changes: the VLAN table stays as it is.
                    return;
                }
            }
            published = new VlanTable(ports.values());
        }
        if (event.type() == PortEvent.Type.UPDATED
                || event.type() == PortEvent.Type.ADDED && port.config().vlan().isConfigured()) {
            LOG.info("Port {}: VLAN {}", port.name(), port.config().vlan().describe());
        }
    }

    private long configuredPorts() {
        synchronized (configLock) {
            return ports.values().stream().filter(p -> p.config().vlan().isConfigured()).count();
        }
    }
}
