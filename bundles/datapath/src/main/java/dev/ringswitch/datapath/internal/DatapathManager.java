package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import dev.ringswitch.api.datapath.PortDropCounters;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.port.TapPort;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The switch's datapath and port manager: a DS component offering {@link PortService}, {@link PortAdminService} and
 * {@link DatapathService}, with a mandatory {@link PortProvider} (the TAP bundle) and any number of
 * {@link ForwardingModule}s bound dynamically.
 *
 * <h2>Design</h2>
 *
 * <h3>What it maps</h3>
 * Frames from every port travel on one LMAX Disruptor ring ({@link Ring}) of {@code ringSize} pre-allocated slots;
 * each slot owns {@code frameSize} bytes of one off-heap segment, wrapped once by the api's
 * {@link dev.ringswitch.api.module.Frame}: {@link dev.ringswitch.api.module.Frame#HEADROOM} bytes of headroom, then the
 * frame exactly as the TAP delivered it (with room in front for its virtio-net header, see {@link Slot}). Two threads
 * share the ring. {@code ringswitch-worker} ({@link Worker}) waits on ready ports (epoll through the provider's
 * {@link dev.ringswitch.api.port.ReadinessSelector}), reads bursts straight into slots, runs each burst through the
 * modules, and then either writes the frames itself or publishes them to {@code ringswitch-egress} ({@link Egress}),
 * the ring's single consumer, which writes them. It writes inline when the burst emptied the port's queue (or is
 * made of GSO frames) and the egress thread has nothing pending for the burst's egress ports, i.e. when nobody
 * waits: light and request-response traffic costs one thread wake-up per hop, and a backlog of small frames is
 * pipelined over both threads (the worker reads while the egress thread writes) where a core is free for it:
 * {@code handOver = auto} pipelines from three CPUs on, and on two the worker runs every frame to completion.
 * Every write goes straight from the slot to each egress port. Flooding writes the same bytes several times;
 * nothing is copied in between, and nothing is allocated or locked per frame: the slots, their frames, egress port
 * sets and counters live as long as the ring.
 *
 * <h3>Offloads: 64 KiB frames</h3>
 * With {@code offloads = true} (the default) every port is opened with a virtio-net header and TUNSETOFFLOAD
 * (checksum, TSO4/6, ECN): the hosts' TCP stacks hand the switch GSO frames of up to 64 KiB with partial checksums,
 * and the switch hands them on with their header, so one read and one write move what would be up to 44 wire
 * segments; slots are sized for them ({@value RingSettings#GSO_FRAME_SIZE} bytes, 16 MiB for 256 slots). Modules
 * see the frame only (a GSO frame is one frame with a long payload); pushed or popped VLAN tags shift the header's
 * checksum start, which the writer corrects. A port without the header (offloads off, or an in-memory test port) gets
 * partial checksums completed in software and no GSO frames (counted as {@code too_long}); see {@link VnetHeader}.
 * The port's configuration keeps what the operator asked for; {@link TapPort#vnetHdr()} tells what the port has.
 *
 * <h3>Default forwarding and the pipeline</h3>
 * Before the modules run, each frame's egress set holds every port that is up except the ingress port: with no module
 * the switch is a hub. Modules narrow that set, rewrite the frame or drop it. They run in band order (advisors,
 * directors, observers), then by {@link ForwardingModule#priority()}, then by name and bind order, so the order is
 * total and deterministic. The worker processes each read burst <em>module-major</em>: module A over all frames of the
 * burst, then module B; each module still sees every frame in ring order, gets {@code onBatchStart}/{@code onBatchEnd}
 * around its pass (the ones it implements: the interface's empty defaults are not called), and is timed with two clock
 * reads per burst (per-frame timing would cost as much as a small module). All module calls happen on the worker
 * thread, each pipeline position's from a call site of its own ({@link ModuleCalls}). Runts (under 14 bytes) and frames
 * longer than the ingress port's MTU plus header and two tags (GSO frames excepted) are dropped before the pipeline, so
 * modules never parse garbage. After the pipeline the ingress port is removed again (no hairpin, whatever a module
 * did); an empty set drops the frame as {@code no_egress}; a port that is down is skipped and counted as a tx drop. If
 * a module implements {@link dev.ringswitch.api.module.EgressTagging} (the first such module in the pipeline owns
 * tagging) the worker asks it per egress port for a TCI, still on its own thread, and the writer pushes the tag into
 * the headroom around that one write, then pops it, so one flood can leave tagged on trunks and untagged on access
 * ports.
 *
 * <h3>Complication: changing things while frames flow</h3>
 * Control threads (DS bind/unbind, the admin service) never touch the datapath threads' state. They build an
 * immutable {@link Plan} (ports by number, up set, per-port frame limit, the pipeline) with a new generation and
 * publish it through a volatile field; the worker adopts it once per round, between bursts, and each frame carries
 * the plan it was switched under to its writes, so a frame is handled wholly under one plan: a module added or
 * removed takes effect at a burst boundary and no frame is lost or half-processed. When the control thread must know that the old plan is no longer in use (unbinding a module: DS
 * may unload its classes as soon as unbind returns; removing a port: its fd is about to be closed and its number
 * reused; binding a module, so that its onStart has run and it is active when bind returns), it asks the worker for
 * a <em>barrier</em>: a frameless slot published after the worker adopted the new plan.
 * Once the egress thread's sequence passes the barrier, every frame switched under the old plan has been written
 * out, the leaving module's {@code onStop} has run on the worker thread, and neither thread can touch the old module
 * or port again. Barriers ride the ring like frames, so this also works on an idle switch (the barrier wakes the
 * egress thread) and costs nothing when nothing changes. The wait is bounded by {@code quiesceTimeoutMillis} (default 2 s): a module
 * stuck in an endless loop cannot hang the OSGi framework; the timeout is logged.
 *
 * <h3>Complication: modules that fail</h3>
 * Every call into a module is guarded. An exception drops that frame with {@code module_error}, is counted against
 * the module, and is logged at most {@link RateLimitedLog#BURST} lines per second per module (the first with its
 * stack trace, the module's name first). The ring never stops: the Disruptor's own exception handler is replaced by
 * one that logs and continues. A module that throws {@code moduleFailureThreshold} times in a row (default 100, no
 * successful call in between) is isolated: state FAILED, {@code onStop} called, skipped by the pipeline until its
 * service is registered again (bundle:update or feature reinstall). A module that fails on some frames only, e.g. a
 * parser bug on one protocol, keeps running, because its streak is reset by each success.
 *
 * <h3>Complication: modules that hang</h3>
 * A module call that does not return would stall every port, since the worker that calls modules also reads the
 * ports. The ring's watchdog ({@link Ring}) notices a call older than {@code moduleStallMillis} (default 2 s),
 * isolates the module (FAILED, never called again, not even {@code onStop}) and continues on a new worker thread; the
 * stuck thread is abandoned, and the burst it held is counted as {@code module_error}.
 *
 * <h3>Complication: a hostile or broken neighbourhood</h3>
 * Frames longer than the ingress port's MTU once up to two tags are counted out are dropped as {@code too_long} (the
 * check costs one comparison unless the frame is longer than MTU + 14). Storm control limits the broadcast and
 * multicast frames each port may send ({@code stormControlPps}, switch-wide or the port's own, a GCRA per port with
 * 100 ms of burst, one clock read per burst); the rest are dropped as {@code storm} before the modules see them, so a
 * loop through a Linux bridge cannot eat the CPU. And the VLAN ports fail closed: while ports have VLAN configuration
 * but no tagging module runs (the VLAN module is uninstalled, being updated, or FAILED), frames from those ports are
 * dropped as {@code vlan_not_allowed} and no frame is sent to them, instead of everything being flooded untagged across
 * VLANs.
 *
 * <h3>Complication: a full ring</h3>
 * The worker claims slots with {@code tryNext()}; when the ring is full it stops reading, counts a publish stall and
 * parks in {@link Ring#STALL_PARK_NANOS} steps until the egress thread frees room. Frames wait in the kernel's TAP queue, which
 * drops and counts them when it is full: memory never grows.
 *
 * <h3>Ports</h3>
 * Ports are numbered 0..{@link PortSet#CAPACITY}-1, lowest free number first; a number is reused only after the
 * removal's barrier, so no frame in flight is attributed to a port that reused it. Removal: publish a plan without
 * the port, stop watching its fd, wait for the barrier, close the fd. {@link #updatePort} applies MTU, MAC, IPv4, link
 * state and VLAN configuration in place and rolls back the kernel changes already made if a later one fails;
 * persistence, vnet header and multi-queue need a reopen and are refused with a message saying so. Events go to
 * {@link PortListener}s on the thread that made the change, in order, under the manager's lock.
 *
 * <h3>Thread-safety rules</h3>
 * Control state (ports by name and number, the module list, listeners, the ring reference) is guarded by
 * {@link #lock}; everything the datapath threads read is in the published plan or written by one of them at a time:
 * rx and rx-drop counters and module counters by the worker; tx counters by whichever thread writes the frame, which
 * the ring's sequences hand over (the worker writes to a port only while the egress thread has nothing published
 * for it left, see {@link FrameWriter}). All are opaque stores read by control threads with opaque loads (values may lag by a batch,
 * never tear). Besides the api's
 * {@link dev.ringswitch.api.port.PortCounters}, each port counts its drops by {@link DropReason} (rx: runt, too long
 * and every pipeline drop; tx: link down, queue full, I/O error, tagging module error) and its read and write errors,
 * and each module a histogram of its per-frame time (the mean of each batch), for {@link #portDrops()} and
 * {@link #moduleTimings()}.
 *
 * <h3>Configuration</h3>
 * PID {@value RingSettings#PID}, keys and defaults in {@link RingSettings} and {@link GuardSettings}. A change of ring
 * settings restarts the ring (threads and slots) but keeps every port open; a change of the other keys applies at
 * once.
 */
@Component(service = {PortService.class, PortAdminService.class, DatapathService.class},
        configurationPid = RingSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DatapathConfig.class)
public final class DatapathManager implements PortService, PortAdminService, DatapathService {

    private static final Logger LOG = LoggerFactory.getLogger(DatapathManager.class);

    private static final Comparator<ModuleSlot> PIPELINE_ORDER = Comparator.<ModuleSlot>comparingInt(m -> m.band
            .ordinal()).thenComparingInt(m -> m.priority).thenComparing(m -> m.name).thenComparingLong(m -> m.order);

    private final PortProvider provider;
    private final Object lock = new Object();
    private final PortEntry[] byNumber = new PortEntry[PortSet.CAPACITY];
    private final Map<String, PortEntry> byName = new TreeMap<>();
    private final List<ModuleSlot> modules = new ArrayList<>();
    private final List<PortListener> listeners = new CopyOnWriteArrayList<>();
    private final DropCounters drops = new DropCounters();
    private volatile Plan plan = Plan.EMPTY;
    private volatile Ring ring;
    /** Keeps the JVM's anonymous memory in huge pages while {@code hugePages} says so; guarded by lock. */
    private HugePageKeeper hugePages;
    private StallSentinelsMode hugePagesMode;
    private RingSettings settings = RingSettings.DEFAULTS;
    private GuardSettings guards = GuardSettings.DEFAULTS;
    /** Whether the last plan published fenced off the VLAN ports, for one log line per change. */
    private boolean fenced;
    private long generation;
    private long bindOrder;
    private Supplier<FrameWriter> egressWriters = FrameWriter::new;

    /**
     * @param provider opens the ports (the TAP bundle's provider, or an in-memory one in tests)
     */
    @Activate
    public DatapathManager(@Reference(name = "provider") PortProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /**
     * DS activation: builds and starts the ring.
     *
     * @param config the {@value RingSettings#PID} configuration
     */
    @Activate
    void activate(DatapathConfig config) {
        GuardSettings g = GuardSettings.from(config);
        StallSentinelsMode huge = StallSentinelsMode.parse("hugePages", config.hugePages());
        synchronized (lock) {
            guards = g;
        }
        start(RingSettings.from(config));
        keepHugePages(huge, DamonSampling::onThisMachine, HugePageKeeper.PERIOD_MILLIS);
    }

    /**
     * Starts, stops or leaves the huge-page keeper as {@code hugePages} now says (DS does this through
     * {@link #activate} and {@link #modified}; tests call it directly).
     *
     * @param mode the setting
     * @param damon what makes {@code auto} turn it on, if this machine has it
     * @param periodMillis time between two collapses
     */
    void keepHugePages(StallSentinelsMode mode, Supplier<Optional<String>> damon, long periodMillis) {
        synchronized (lock) {
            if (mode == hugePagesMode) {
                return;
            }
            if (stopHugePages()) {
                LOG.info("Huge pages: no longer collapsed (hugePages={})", mode.label());
            }
            hugePagesMode = mode;
            hugePages = HugePageKeeper.start(mode, damon, provider, periodMillis).orElse(null);
        }
    }

    /** @return whether a keeper was running; called with lock held */
    private boolean stopHugePages() {
        if (hugePages == null) {
            return false;
        }
        hugePages.stop();
        hugePages = null;
        return true;
    }

    /** @return whether the huge-page keeper runs */
    boolean keepingHugePages() {
        synchronized (lock) {
            return hugePages != null && hugePages.running();
        }
    }

    /**
     * Applies storm control and the module watchdog's limit at once, without restarting the ring (DS does this
     * through {@link #modified}; tests call it directly).
     *
     * @param next the settings
     */
    void guard(GuardSettings next) {
        synchronized (lock) {
            guards = next;
            Ring r = ring;
            if (r != null) {
                r.watch(next.moduleStallMillis());
            }
            publish(newPlan());
        }
        LOG.info("Datapath guards: {}", next.describe());
    }

    /**
     * Replaces the egress thread's writer of rings started from now on: tests slow it down with it.
     *
     * @param writers makes one writer per ring
     */
    void setEgressWriters(Supplier<FrameWriter> writers) {
        synchronized (lock) {
            egressWriters = writers;
        }
    }

    /**
     * Starts the datapath with explicit settings (tests and benchmarks call this instead of DS).
     *
     * @param initial the settings
     */
    void start(RingSettings initial) {
        Ring r;
        synchronized (lock) {
            settings = initial;
            r = new Ring(settings, provider, newPlan(), drops, egressWriters.get());
            r.watch(guards.moduleStallMillis());
            r.start();
            ring = r;
        }
        LOG.info("Started datapath ({}, {})", initial.describe(r.damonSampling(), r.busyPollMicros()), guards.describe());
    }

    /**
     * Applies a configuration change. Ring settings restart the ring with the ports kept open; the others apply at
     * once.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(DatapathConfig config) {
        RingSettings next = RingSettings.from(config);
        GuardSettings g = GuardSettings.from(config);
        StallSentinelsMode huge = StallSentinelsMode.parse("hugePages", config.hugePages());
        synchronized (lock) {
            if (!g.equals(guards)) {
                guard(g);
            }
        }
        keepHugePages(huge, DamonSampling::onThisMachine, HugePageKeeper.PERIOD_MILLIS);
        reconfigure(next);
    }

    /** @param next new settings */
    void reconfigure(RingSettings next) {
        Ring r;
        synchronized (lock) {
            RingSettings old = settings;
            settings = next;
            if (!old.ringDiffers(next) || ring == null) {
                publish(newPlan());
                return;
            }
            for (PortEntry e : byName.values()) {
                if (e.vnet && next.readCapacity() < RingSettings.GSO_MAX_FRAME) {
                    settings = old;
                    throw new IllegalArgumentException("frameSize " + next.frameSize() + " in " + RingSettings.PID
                            + " is too small for port " + e.name() + ", which has offloads (64 KiB frames): it needs"
                            + " at least " + RingSettings.GSO_FRAME_SIZE + "; remove the port first");
                }
                if (e.config().mtu() > next.maxMtu()) {
                    settings = old;
                    throw new IllegalArgumentException("frameSize " + next.frameSize() + " in " + RingSettings.PID
                            + " is too small for port " + e.name() + " (MTU " + e.config().mtu()
                            + "): it needs at least "
                            + (e.config().mtu() + RingSettings.L2_OVERHEAD + FrameBuffer.PREFIX + Frame.HEADROOM));
                }
            }
            ring.stop(old.quiesceTimeoutMillis());
            r = new Ring(next, provider, newPlan(), drops, egressWriters.get());
            r.watch(guards.moduleStallMillis());
            r.start();
            ring = r;
        }
        LOG.info("Restarted datapath ring ({})", next.describe(r.damonSampling(), r.busyPollMicros()));
    }

    /** DS deactivation: stops the ring and closes every port. */
    @Deactivate
    void deactivate() {
        synchronized (lock) {
            stopHugePages();
            hugePagesMode = null;
            Ring r = ring;
            ring = null;
            if (r != null) {
                r.stop(settings.quiesceTimeoutMillis());
            }
            for (PortEntry e : byName.values()) {
                closeQuietly(e.tap);
            }
            byName.clear();
            Arrays.fill(byNumber, null);
            plan = Plan.EMPTY;
        }
        LOG.info("Stopped datapath");
    }

    // ---- modules -------------------------------------------------------------------------------------------------

    /**
     * DS: a forwarding module arrived. It joins the pipeline at the next batch boundary.
     *
     * @param module the module
     * @param reference its service reference, for the providing bundle's name and version
     */
    @Reference(service = ForwardingModule.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindModule")
    void bindModule(ForwardingModule module, ServiceReference<ForwardingModule> reference) {
        addModule(module, bundleOf(reference));
    }

    /**
     * DS: a forwarding module leaves. Returns only when the worker can no longer be inside it.
     *
     * @param module the module
     * @param reference its service reference
     */
    void unbindModule(ForwardingModule module, ServiceReference<ForwardingModule> reference) {
        removeModule(module);
    }

    private static String bundleOf(ServiceReference<?> reference) {
        Bundle bundle = reference == null ? null : reference.getBundle();
        return bundle == null ? "unknown" : bundle.getSymbolicName() + "/" + bundle.getVersion();
    }

    /**
     * Adds a module to the pipeline and waits (bounded) until the worker runs the new pipeline, so that the module's
     * onStart has run when this returns.
     *
     * @param module the module
     * @param bundle symbolic name and version of its bundle
     */
    void addModule(ForwardingModule module, String bundle) {
        ModuleSlot slot;
        synchronized (lock) {
            slot = new ModuleSlot(module, bundle, bindOrder++);
            for (ModuleSlot m : modules) {
                if (m.name.equals(slot.name)) {
                    LOG.warn("module {}: a module of that name from {} is already in the pipeline; both run, but names"
                            + " should be unique", slot.name, m.bundle);
                }
            }
            modules.add(slot);
            modules.sort(PIPELINE_ORDER);
            Plan next = newPlan();
            publish(next);
            awaitDatapath(next, "module " + slot.name + ": addition");
        }
        LOG.info("module {}: added to the pipeline as {} priority {} (from {})", slot.name,
                slot.band.name().toLowerCase(Locale.ROOT), slot.priority, bundle);
    }

    /**
     * Removes a module and waits (bounded) until the worker has left it and called its onStop.
     *
     * @param module the module
     */
    void removeModule(ForwardingModule module) {
        String name = null;
        synchronized (lock) {
            for (int i = 0; i < modules.size(); i++) {
                if (modules.get(i).module == module) {
                    name = modules.remove(i).name;
                    break;
                }
            }
            if (name == null) {
                return;
            }
            Plan next = newPlan();
            publish(next);
            awaitDatapath(next, "module " + name + ": removal");
        }
        LOG.info("module {}: removed from the pipeline", name);
    }

    // ---- ports ---------------------------------------------------------------------------------------------------

    @Override
    public PortInfo addPort(PortConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (lock) {
            if (byName.containsKey(config.name())) {
                throw new IllegalArgumentException("port " + config.name() + " is already a switch port");
            }
            checkMtu(config.name(), config.mtu());
            int number = freeNumber();
            if (number < 0) {
                throw new IllegalStateException("cannot add port " + config.name() + ": the switch has "
                        + PortSet.CAPACITY + " ports, the maximum; remove a port first");
            }
            // With offloads every port gets the header; the configuration keeps what the operator asked for.
            boolean vnet = config.vnetHdr() || settings.offloadsActive();
            TapPort tap = provider.open(vnet == config.vnetHdr() ? config : config.withVnetHdr(true));
            PortEntry entry;
            try {
                if (byName.containsKey(tap.name())) {
                    throw new IllegalArgumentException("port " + tap.name() + " is already a switch port");
                }
                checkMtu(tap.name(), tap.mtu());
                PortConfig effective = new PortConfig(tap.name(), tap.mtu(), tap.mac(), config.ipv4(), config.up(),
                        config.persistent(), config.vnetHdr(), config.multiQueue(), config.vlan(), config.netns(),
                        config.stormControlPps());
                entry = new PortEntry(number, tap, effective);
            } catch (RuntimeException e) {
                closeQuietly(tap);
                throw e;
            }
            byNumber[number] = entry;
            byName.put(entry.name(), entry);
            publish(newPlan());
            Ring r = ring;
            if (r != null) {
                r.register(entry);
            }
            PortInfo info = entry.info();
            fire(new PortEvent(PortEvent.Type.ADDED, info, null));
            LOG.info("port {}: added as port {}", entry.name(), number);
            return info;
        }
    }

    private void checkMtu(String name, int mtu) {
        if (mtu > settings.maxMtu()) {
            throw new IllegalArgumentException("port " + name + ": MTU " + mtu + " needs slots of "
                    + (mtu + RingSettings.L2_OVERHEAD + FrameBuffer.PREFIX + Frame.HEADROOM)
                    + " bytes, but frameSize is " + settings.frameSize() + " in " + RingSettings.PID
                    + "; raise frameSize or use MTU " + settings.maxMtu() + " or less");
        }
    }

    private int freeNumber() {
        for (int i = 0; i < byNumber.length; i++) {
            if (byNumber[i] == null) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public PortInfo updatePort(PortConfig config) {
        Objects.requireNonNull(config, "config");
        synchronized (lock) {
            PortEntry entry = byName.get(config.name());
            if (entry == null) {
                throw new IllegalArgumentException("No such port " + config.name());
            }
            PortConfig old = entry.config();
            requireSame(entry, "persistent", old.persistent(), config.persistent());
            requireSame(entry, "vnetHdr", old.vnetHdr(), config.vnetHdr());
            requireSame(entry, "multiQueue", old.multiQueue(), config.multiQueue());
            requireSame(entry, "netns", namespace(old.netns()), namespace(config.netns()));
            int mtu = config.mtu() == 0 ? old.mtu() : config.mtu();
            checkMtu(entry.name(), mtu);
            MacAddressChange mac = new MacAddressChange(old, config);
            TapPort tap = entry.tap;
            Deque<Runnable> undo = new ArrayDeque<>();
            try {
                if (mtu != old.mtu()) {
                    tap.setMtu(mtu);
                    undo.push(() -> tap.setMtu(old.mtu()));
                }
                if (mac.changed()) {
                    tap.setMac(mac.next());
                    undo.push(() -> tap.setMac(old.mac()));
                }
                if (!Objects.equals(old.ipv4(), config.ipv4())) {
                    tap.setIpv4(config.ipv4());
                    undo.push(() -> tap.setIpv4(old.ipv4()));
                }
                if (old.up() != config.up()) {
                    tap.setUp(config.up());
                    undo.push(() -> tap.setUp(old.up()));
                }
            } catch (PortException e) {
                rollback(entry, undo);
                throw e;
            }
            PortConfig next = new PortConfig(entry.name(), mtu, mac.next(), config.ipv4(), config.up(),
                    old.persistent(), old.vnetHdr(), old.multiQueue(), config.vlan(), old.netns(),
                    config.stormControlPps());
            entry.setConfig(next);
            if (old.up() != next.up() || old.mtu() != next.mtu() || !old.vlan().equals(next.vlan())
                    || !Objects.equals(old.stormControlPps(), next.stormControlPps())) {
                publish(newPlan());
            }
            PortInfo info = entry.info();
            fire(new PortEvent(PortEvent.Type.UPDATED, info, old));
            return info;
        }
    }

    private record MacAddressChange(MacAddress current, MacAddress wanted) {
        MacAddressChange(PortConfig old, PortConfig requested) {
            this(old.mac(), requested.mac());
        }

        boolean changed() {
            return wanted != null && !wanted.equals(current);
        }

        MacAddress next() {
            return wanted == null ? current : wanted;
        }
    }

    private static void requireSame(PortEntry entry, String key, Object current, Object wanted) {
        if (!current.equals(wanted)) {
            throw new IllegalArgumentException("port " + entry.name() + ": changing " + key + " from " + current
                    + " to " + wanted + " needs the TAP to be reopened; remove the port and add it again with the new"
                    + " setting");
        }
    }

    private static String namespace(String netns) {
        return netns == null ? "the switch's own namespace" : netns;
    }

    private static void rollback(PortEntry entry, Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (PortException e) {
                LOG.warn("port {}: rollback step failed: {}", entry.name(), e.getMessage());
            }
        }
    }

    @Override
    public void removePort(String name) {
        synchronized (lock) {
            PortEntry entry = byName.get(name);
            if (entry == null) {
                throw new IllegalArgumentException("No such port " + name);
            }
            Ring r = ring;
            if (r != null) {
                r.deregister(entry);
            }
            byName.remove(name);
            byNumber[entry.number] = null;
            Plan next = newPlan();
            publish(next);
            awaitDatapath(next, "port " + name + ": removal");
            PortInfo info = entry.info();
            closeQuietly(entry.tap);
            fire(new PortEvent(PortEvent.Type.REMOVED, info, null));
            LOG.info("port {}: removed (was port {})", name, entry.number);
        }
    }

    private static void closeQuietly(TapPort tap) {
        try {
            tap.close();
        } catch (RuntimeException e) {
            LOG.warn("port {}: close failed: {}", tap.name(), e.getMessage());
        }
    }

    @Override
    public List<PortInfo> ports() {
        synchronized (lock) {
            return byName.values().stream().map(PortEntry::info).toList();
        }
    }

    @Override
    public Optional<PortInfo> port(String name) {
        synchronized (lock) {
            return Optional.ofNullable(byName.get(name)).map(PortEntry::info);
        }
    }

    @Override
    public long kernelQueueDrops(String name) {
        // Outside the lock: the read costs system calls, and a thread for a TAP in another namespace.
        TapPort tap = tapOf(name);
        return tap == null ? TapPort.UNKNOWN_COUNT : tap.kernelQueueDrops();
    }

    @Override
    public String currentNetns(String name) {
        // Outside the lock, as kernelQueueDrops: system calls.
        TapPort tap = tapOf(name);
        return tap == null ? null : tap.currentNetns();
    }

    /** @return the TAP of the port called {@code name}, or {@code null} */
    private TapPort tapOf(String name) {
        synchronized (lock) {
            PortEntry e = byName.get(name);
            return e == null ? null : e.tap;
        }
    }

    @Override
    public String nameOf(int number) {
        if (number < 0 || number >= PortSet.CAPACITY) {
            return null;
        }
        PortEntry e = plan.ports[number];
        return e == null ? null : e.name();
    }

    @Override
    public void addListener(PortListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            listeners.add(listener);
            for (PortEntry e : byName.values()) {
                notify(listener, new PortEvent(PortEvent.Type.ADDED, e.info(), null));
            }
        }
    }

    @Override
    public void removeListener(PortListener listener) {
        listeners.remove(listener);
    }

    private void fire(PortEvent event) {
        for (PortListener l : listeners) {
            notify(l, event);
        }
    }

    private static void notify(PortListener listener, PortEvent event) {
        try {
            listener.portChanged(event);
        } catch (RuntimeException e) {
            LOG.warn("port {}: listener {} failed on {}: {}", event.port().name(), listener, event.type(),
                    e.toString());
        }
    }

    // ---- datapath status -----------------------------------------------------------------------------------------

    @Override
    public DatapathStatus status() {
        Ring r = ring;
        int ports = plan.portCount;
        long hugePageBytes;
        synchronized (lock) {
            hugePageBytes = hugePages == null ? -1 : hugePages.hugeBytes();
        }
        if (r == null) {
            return new DatapathStatus(ports, 0, 0, 0, List.of(), 0, -1, 0, hugePageBytes);
        }
        return new DatapathStatus(ports, r.settings().ringSize(), r.occupancy(), r.publishStalls(), r.threadNames(),
                System.currentTimeMillis() - r.startMillis(), r.workerBoundCpu(), r.busyPollMicros(), hugePageBytes);
    }

    @Override
    public List<ModuleInfo> modules() {
        synchronized (lock) {
            List<ModuleInfo> out = new ArrayList<>(modules.size());
            for (int i = 0; i < modules.size(); i++) {
                out.add(modules.get(i).info(i + 1));
            }
            return out;
        }
    }

    @Override
    public List<PortDropCounters> portDrops() {
        synchronized (lock) {
            return byName.values().stream().map(e -> e.stats.dropCounters(e.name(), e.number)).toList();
        }
    }

    @Override
    public List<ModuleTiming> moduleTimings() {
        synchronized (lock) {
            List<ModuleTiming> out = new ArrayList<>(modules.size());
            for (int i = 0; i < modules.size(); i++) {
                out.add(modules.get(i).timing(i + 1));
            }
            return out;
        }
    }

    /**
     * @param reason a drop reason
     * @return frames the datapath dropped for it since the component started
     */
    long drops(DropReason reason) {
        return drops.get(reason);
    }

    /** @return the running ring, or null; for tests in this package */
    Ring ring() {
        return ring;
    }

    // ---- plan publication ------------------------------------------------------------------------------------------

    /** Caller holds the lock. */
    private Plan newPlan() {
        return new Plan(++generation, byNumber, modules, settings.readCapacity(), settings.moduleFailureThreshold(),
                guards);
    }

    /** Caller holds the lock. */
    private void publish(Plan next) {
        plan = next;
        Ring r = ring;
        if (r != null) {
            r.publish(next);
        }
        boolean nowFenced = next.vlanFenced();
        if (nowFenced != fenced) {
            fenced = nowFenced;
            if (nowFenced) {
                LOG.warn("ports {} have VLAN configuration but no VLAN module is active: their frames are dropped"
                        + " (vlan_not_allowed) and no frame is sent to them until one is (feature:install"
                        + " ringswitch-vlan)", vlanPortNames(next));
            } else {
                LOG.info("a VLAN module is active again: VLAN ports switch frames");
            }
        }
    }

    private static List<String> vlanPortNames(Plan p) {
        List<String> names = new ArrayList<>();
        for (int i = p.vlanPorts.next(0); i >= 0; i = p.vlanPorts.next(i + 1)) {
            names.add(p.ports[i].name());
        }
        return names;
    }

    /** Caller holds the lock. */
    private void awaitDatapath(Plan next, String what) {
        Ring r = ring;
        if (r != null && !r.quiesce(next.generation, settings.quiesceTimeoutMillis())) {
            LOG.warn("{}: the datapath did not acknowledge within {} ms (is a module stuck?); going ahead", what,
                    settings.quiesceTimeoutMillis());
        }
    }
}
