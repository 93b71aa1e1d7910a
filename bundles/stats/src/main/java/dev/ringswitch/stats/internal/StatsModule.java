package dev.ringswitch.stats.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.PortDropCounters;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The statistics module: an observer in the pipeline that counts what only the pipeline knows
 * ({@link TrafficCounters}), and the {@link StatsService} that merges those counters with the datapath's own
 * (packets and bytes per port from {@link PortService}, drops by reason and errors from
 * {@link DatapathService#portDrops()}) and with the kernel's count of frames lost before the switch read them
 * ({@link KernelCounters}, reported as {@link DropReason#RING_FULL}).
 *
 * <p>Counting costs the datapath a few plain stores per frame and nothing else: no lock, no allocation, no atomic
 * read-modify-write. Everything else happens on the reader's thread: a snapshot reads the counters with opaque loads
 * and allocates its records there.
 *
 * <p>Bookkeeping, all on control threads under {@link #lock}:
 * <ul>
 *   <li>Port numbers are reused after a removal, but the observer's per-number counters are owned by the datapath
 *       thread and cannot be zeroed from here. When a port is removed (the datapath fires the event only after no
 *       frame of the port is in flight) the current flooded count of its number becomes that number's base.</li>
 *   <li>The kernel counts drops from the interface's creation; the count when the module first sees the port is its
 *       base, so {@code ring_full} runs from then.</li>
 *   <li>{@link #reset} and {@link #resetAll} record the totals at that moment; {@link #snapshot()} subtracts them.
 *       No counter is ever written by a control thread, so resetting never races with counting.</li>
 * </ul>
 * Lock order: port events arrive under the port manager's lock and then take {@link #lock}; readers therefore call
 * into {@link PortService} and {@link DatapathService} before taking {@link #lock}, never while holding it.
 */
@Component(service = {ForwardingModule.class, StatsService.class},
        property = "ringswitch.module.name=" + StatsModule.MODULE_NAME)
public final class StatsModule implements ForwardingModule, StatsService {

    /** The module's name in the pipeline and its {@code ringswitch.module.name} service property. */
    static final String MODULE_NAME = "stats";

    private static final Logger LOG = LoggerFactory.getLogger(StatsModule.class);

    private final PortService portService;
    private final DatapathService datapath;
    private final KernelCounters kernel;
    private final TrafficCounters counters = new TrafficCounters();
    private final PortListener listener = this::portChanged;
    private final Object lock = new Object();

    // Guarded by lock.
    private final long[] floodedBase = new long[PortSet.CAPACITY];
    /** One entry per port the module has seen added and not yet removed. */
    private final Map<String, Long> kernelBase = new HashMap<>();
    private final Map<String, PortStats> portResets = new HashMap<>();
    private final Map<Integer, VlanStats> vlanResets = new HashMap<>();

    /**
     * DS constructor.
     *
     * @param portService the switch's ports: names, numbers, datapath counters and port events
     * @param datapath the datapath's drop and error counters
     */
    @Activate
    public StatsModule(@Reference(name = "portService") PortService portService,
            @Reference(name = "datapath") DatapathService datapath) {
        this(portService, datapath, portService::kernelQueueDrops);
    }

    /**
     * @param portService the switch's ports
     * @param datapath the datapath's counters
     * @param kernel where the kernel's queue drops are read
     */
    StatsModule(PortService portService, DatapathService datapath, KernelCounters kernel) {
        this.portService = Objects.requireNonNull(portService, "portService");
        this.datapath = Objects.requireNonNull(datapath, "datapath");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** DS activation: follows port changes. */
    @Activate
    void activate() {
        portService.addListener(listener);
        LOG.info("Started statistics module");
    }

    /** DS deactivation. */
    @Deactivate
    void deactivate() {
        portService.removeListener(listener);
        LOG.info("Stopped statistics module");
    }

    // ---- ForwardingModule (datapath thread) ------------------------------------------------------------------------

    @Override
    public String name() {
        return MODULE_NAME;
    }

    @Override
    public Band band() {
        return Band.OBSERVER;
    }

    @Override
    public void process(Frame frame) {
        counters.count(frame);
    }

    // ---- port events (control thread) ------------------------------------------------------------------------------

    private void portChanged(PortEvent event) {
        PortInfo port = event.port();
        switch (event.type()) {
            case ADDED -> {
                long drops = kernel.rxQueueDrops(port.name());
                synchronized (lock) {
                    kernelBase.put(port.name(), drops == KernelCounters.UNKNOWN ? 0L : drops);
                }
            }
            case REMOVED -> {
                synchronized (lock) {
                    floodedBase[port.number()] = counters.flooded(port.number());
                    kernelBase.remove(port.name());
                    portResets.remove(port.name());
                }
            }
            case UPDATED -> {
                // Counters do not depend on a port's configuration.
            }
        }
    }

    // ---- StatsService (any thread) ---------------------------------------------------------------------------------

    @Override
    public StatsSnapshot totals() {
        List<PortInfo> ports = portService.ports();
        Map<String, PortDropCounters> drops = new HashMap<>();
        for (PortDropCounters d : datapath.portDrops()) {
            drops.put(d.port(), d);
        }
        long[] kernelDrops = new long[ports.size()];
        for (int i = 0; i < kernelDrops.length; i++) {
            kernelDrops[i] = kernel.rxQueueDrops(ports.get(i).name());
        }
        List<PortStats> out = new ArrayList<>(ports.size());
        synchronized (lock) {
            for (int i = 0; i < kernelDrops.length; i++) {
                out.add(portTotals(ports.get(i), drops.get(ports.get(i).name()), kernelDrops[i]));
            }
        }
        return new StatsSnapshot(out, vlanTotals());
    }

    /** Caller holds the lock. */
    private PortStats portTotals(PortInfo port, PortDropCounters drops, long kernelDrops) {
        Map<DropReason, Long> rx = new EnumMap<>(DropReason.class);
        Map<DropReason, Long> tx = new EnumMap<>(DropReason.class);
        long rxErrors = 0;
        long txErrors = 0;
        if (drops != null) {
            rx.putAll(drops.rxDrops());
            tx.putAll(drops.txDrops());
            rxErrors = drops.rxErrors();
            txErrors = drops.txErrors();
        }
        if (kernelDrops != KernelCounters.UNKNOWN) {
            long base = kernelBase.getOrDefault(port.name(), 0L);
            rx.merge(DropReason.RING_FULL, Math.max(0, kernelDrops - base), Long::sum);
        }
        PortCounters c = port.counters();
        long flooded = counters.flooded(port.number()) - floodedBase[port.number()];
        return new PortStats(port.name(), c.rxPackets(), c.rxBytes(), c.txPackets(), c.txBytes(), rx, tx, flooded,
                rxErrors, txErrors);
    }

    private List<VlanStats> vlanTotals() {
        List<VlanStats> out = new ArrayList<>();
        for (int vid = 0; vid < TrafficCounters.VLANS; vid++) {
            long frames = counters.vlanFrames(vid);
            if (frames != 0) {
                out.add(new VlanStats(vid, frames, counters.vlanBytes(vid)));
            }
        }
        return out;
    }

    @Override
    public StatsSnapshot snapshot() {
        StatsSnapshot totals = totals();
        List<PortStats> ports = new ArrayList<>(totals.ports().size());
        List<VlanStats> vlans = new ArrayList<>(totals.vlans().size());
        synchronized (lock) {
            for (PortStats p : totals.ports()) {
                PortStats base = portResets.get(p.port());
                ports.add(base == null ? p : minus(p, base));
            }
            for (VlanStats v : totals.vlans()) {
                VlanStats base = vlanResets.get(v.vlan());
                VlanStats since = base == null ? v : new VlanStats(v.vlan(), v.frames() - base.frames(),
                        v.bytes() - base.bytes());
                if (since.frames() != 0) {
                    vlans.add(since);
                }
            }
        }
        return new StatsSnapshot(ports, vlans);
    }

    private static PortStats minus(PortStats now, PortStats base) {
        return new PortStats(now.port(), now.rxPackets() - base.rxPackets(), now.rxBytes() - base.rxBytes(),
                now.txPackets() - base.txPackets(), now.txBytes() - base.txBytes(),
                minus(now.rxDrops(), base.rxDrops()), minus(now.txDrops(), base.txDrops()),
                now.flooded() - base.flooded(), now.rxErrors() - base.rxErrors(), now.txErrors() - base.txErrors());
    }

    private static Map<DropReason, Long> minus(Map<DropReason, Long> now, Map<DropReason, Long> base) {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        now.forEach((reason, n) -> out.put(reason, n - base.getOrDefault(reason, 0L)));
        return out;
    }

    @Override
    public void reset(String port) {
        Objects.requireNonNull(port, "port");
        PortStats now = totals().port(port).orElseThrow(() -> new IllegalArgumentException("No such port " + port));
        synchronized (lock) {
            // Removed (and its base dropped) since totals() was taken: a base for it now would outlive the port.
            if (!kernelBase.containsKey(port)) {
                throw new IllegalArgumentException("No such port " + port);
            }
            portResets.put(port, now);
        }
        LOG.info("port {}: statistics reset", port);
    }

    @Override
    public void resetAll() {
        StatsSnapshot now = totals();
        synchronized (lock) {
            portResets.clear();
            for (PortStats p : now.ports()) {
                if (kernelBase.containsKey(p.port())) {
                    portResets.put(p.port(), p);
                }
            }
            vlanResets.clear();
            for (VlanStats v : now.vlans()) {
                vlanResets.put(v.vlan(), v);
            }
        }
        LOG.info("statistics reset for every port and VLAN");
    }
}
