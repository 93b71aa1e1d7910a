package dev.ringswitch.l2.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.fdb.FlapReport;
import dev.ringswitch.api.fdb.FlappingStation;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.vlan.VlanSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The L2 learning director: learns (VLAN, source MAC) to ingress port from every frame, forwards known unicast to
 * its one port, and leaves everything else to flood (the datapath pre-fills the egress set with every other up port,
 * and the VLAN module narrows it to the VLAN's members). Also the {@link FdbService} over its {@link MacTable}.
 *
 * <p>Per frame, in this order: a frame already dropped by an earlier module is ignored (nothing learned from it); a
 * frame shorter than an Ethernet header is dropped {@link DropReason#RUNT} (the datapath should have done so); a
 * multicast, broadcast or all-zero source is dropped {@link DropReason#INVALID_SOURCE} and counted; the source is
 * learned; a multicast or unknown destination leaves the egress set alone; a destination learned on the ingress port
 * is dropped {@link DropReason#SAME_PORT}; any other known destination narrows the egress set to its port.
 *
 * <p>Flapping: the table counts each station's moves in a window ({@code flapMoves} moves within
 * {@code flapWindowSeconds}); when a station reaches the threshold the module logs one WARN line naming it, its VLAN
 * and the two ports, at most one line per second (the next line says how many flaps it stands for), and
 * {@link #flaps()} lists the stations flapping now. The check costs one comparison per batch; the line is built and
 * logged after the table lock is released. Forwarding is unchanged: the station keeps being relearned where it was
 * last seen, as in Open vSwitch.
 *
 * <p>Concurrency: one {@link ReentrantLock} guards the table. The datapath thread takes it in {@link #onBatchStart}
 * and releases it in {@link #onBatchEnd}, so a batch of frames costs one uncontended lock/unlock pair and no frame
 * pays for locking. Control operations (reads, flushes, static entries, port events, reconfiguration) take the
 * same lock for the few microseconds they need, so they never see or cause a half-applied update, and they work
 * whether or not traffic flows. The lock is fair so that a waiting control thread gets it at the next batch
 * boundary instead of losing every race to a busy datapath; it waits at most
 * {@link L2Constants#CONTROL_LOCK_TIMEOUT_MILLIS} and then fails with a message. A command queue drained at batch
 * end was considered and rejected: with no traffic there is no batch end, so a flush would not take effect.
 */
@Component(service = {ForwardingModule.class, FdbService.class}, configurationPid = L2Constants.PID,
        property = "ringswitch.module.name=" + L2Constants.MODULE_NAME)
@Designate(ocd = L2Config.class)
public final class L2LearningModule implements ForwardingModule, FdbService {

    private static final Logger LOG = LoggerFactory.getLogger(L2LearningModule.class);

    private final PortService portService;
    private final LongSupplier nanoClock;
    private final PortListener listener = this::portChanged;
    private final ReentrantLock lock = new ReentrantLock(true);

    // Guarded by lock.
    private MacTable table;
    private long invalidSourceDrops;
    private long batchNow;
    /** Flaps covered by a log line so far, and when the last line was logged. */
    private long reportedFlaps;
    private long lastFlapLogNanos;

    /** Where flap reports go; tests catch them. */
    private volatile Consumer<String> flapLog = LOG::warn;

    /**
     * DS constructor.
     *
     * @param portService the switch's ports, for names and port events
     */
    @Activate
    public L2LearningModule(@Reference PortService portService) {
        this(portService, System::nanoTime);
    }

    /**
     * @param portService the switch's ports
     * @param nanoClock a monotonic clock in nanoseconds; tests pass a fake one
     */
    L2LearningModule(PortService portService, LongSupplier nanoClock) {
        this.portService = Objects.requireNonNull(portService, "portService");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Builds the table and starts following port events.
     *
     * @param config the {@code ringswitch.l2} configuration
     */
    @Activate
    void activate(L2Config config) {
        int aging = agingOf(config);
        int max = maxEntriesOf(config);
        int flapMoves = flapMovesOf(config);
        int flapWindow = flapWindowOf(config);
        lock.lock();
        try {
            table = new MacTable(max, aging);
            table.setFlapDetection(flapMoves, flapWindow);
            lastFlapLogNanos = nanoClock.getAsLong() - L2Constants.FLAP_LOG_INTERVAL_NANOS;
        } finally {
            lock.unlock();
        }
        portService.addListener(listener);
        LOG.info("Started: max {} learned entries, aging {} s, flapping at {} moves within {} s", max, aging,
                flapMoves, flapWindow);
    }

    /**
     * Applies a changed configuration without losing the table: a new aging time applies at the next sweep; a new
     * limit rebuilds the table, keeping static entries and the most recently used learned ones.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(L2Config config) {
        int aging = agingOf(config);
        int max = maxEntriesOf(config);
        int flapMoves = flapMovesOf(config);
        int flapWindow = flapWindowOf(config);
        withTable(t -> {
            if (max != t.maxLearned()) {
                table = MacTable.resized(t, max, aging);
            } else {
                t.setAgingSeconds(aging);
            }
            table.setFlapDetection(flapMoves, flapWindow);
            return null;
        });
        LOG.info("Reconfigured: max {} learned entries, aging {} s, flapping at {} moves within {} s", max, aging,
                flapMoves, flapWindow);
    }

    /** Stops following port events. */
    @Deactivate
    void deactivate() {
        portService.removeListener(listener);
        LOG.info("Stopped");
    }

    // ---- ForwardingModule ----

    @Override
    public String name() {
        return L2Constants.MODULE_NAME;
    }

    @Override
    public Band band() {
        return Band.DIRECTOR;
    }

    @Override
    public void onBatchStart() {
        lock.lock();
        try {
            batchNow = nanoClock.getAsLong();
            table.expire(batchNow);
        } catch (RuntimeException e) {
            // The datapath may not call onBatchEnd after a failed onBatchStart: never leave the lock held.
            lock.unlock();
            throw e;
        }
    }

    @Override
    public void onBatchEnd() {
        if (lock.isHeldByCurrentThread()) {
            String report = table.flaps() == reportedFlaps ? null : flapReport(batchNow);
            lock.unlock();
            if (report != null) {
                flapLog.accept(report);
            }
        }
    }

    @Override
    public void process(Frame frame) {
        if (lock.isHeldByCurrentThread()) {
            handle(frame, batchNow);
            return;
        }
        // A caller that does not use the batch hooks still gets a consistent, aged table, one frame at a time.
        String report = null;
        lock.lock();
        try {
            long now = nanoClock.getAsLong();
            table.expire(now);
            handle(frame, now);
            if (table.flaps() != reportedFlaps) {
                report = flapReport(now);
            }
        } finally {
            lock.unlock();
        }
        if (report != null) {
            flapLog.accept(report);
        }
    }

    /**
     * Builds the log line for the flaps not yet reported, if a line is due. Lock held; allocates only when a line is
     * due, at most once per {@link L2Constants#FLAP_LOG_INTERVAL_NANOS}.
     *
     * @param now the current time, nanoseconds
     * @return the line, or {@code null} if the last line was logged less than the interval ago
     */
    private String flapReport(long now) {
        if (now - lastFlapLogNanos < L2Constants.FLAP_LOG_INTERVAL_NANOS) {
            return null;
        }
        lastFlapLogNanos = now;
        MacTable t = table;
        long more = t.flaps() - reportedFlaps - 1;
        reportedFlaps = t.flaps();
        MacTable.Flap flap = t.lastFlap();
        return "MAC " + new MacAddress(MacTable.macOf(flap.key())) + " in VLAN " + MacTable.vlanOf(flap.key())
                + " is flapping between ports " + portName(flap.from()) + " and " + portName(flap.port()) + ": "
                + flap.moves() + " moves within " + t.flapWindowSeconds() + " s; look for a loop or a duplicate"
                + " address" + (more > 0 ? " (" + more + " more flaps since the last report)" : "");
    }

    private void handle(Frame frame, long now) {
        if (frame.isDropped()) {
            return;
        }
        if (frame.length() < Frame.ETH_HEADER) {
            frame.drop(DropReason.RUNT);
            return;
        }
        long src = frame.source();
        if (src == 0 || MacAddress.isMulticast(src)) {
            invalidSourceDrops++;
            frame.drop(DropReason.INVALID_SOURCE);
            return;
        }
        int vlan = frame.vlan();
        int in = frame.ingressPort();
        MacTable t = table;
        t.learn(vlan, src, in, now);
        long dst = frame.destination();
        if (MacAddress.isMulticast(dst)) {
            return;
        }
        int out = t.lookup(vlan, dst);
        if (out == MacTable.NIL) {
            return;
        }
        if (out == in) {
            frame.drop(DropReason.SAME_PORT);
            return;
        }
        frame.egress().retainOnly(out);
    }

    // ---- FdbService ----

    @Override
    public List<FdbEntry> entries(int vlan, String port) {
        int vid = vlan == ANY_VLAN ? MacTable.NIL : checkVlan(vlan);
        int number = port == null ? MacTable.NIL : portNumber(port);
        MacTable.Snapshot s = withTable(t -> {
            long now = nanoClock.getAsLong();
            t.expire(now);
            return t.snapshot(vid, number, now);
        });
        Integer[] order = new Integer[s.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Keys are vlan << 48 | mac: their natural order is by VLAN, then MAC.
        Arrays.sort(order, (a, b) -> Long.compare(s.keys()[a], s.keys()[b]));
        List<FdbEntry> out = new ArrayList<>(order.length);
        for (int i : order) {
            long key = s.keys()[i];
            out.add(new FdbEntry(new MacAddress(MacTable.macOf(key)), MacTable.vlanOf(key), portName(s.ports()[i]),
                    s.ages()[i], s.isStatic()[i]));
        }
        return out;
    }

    @Override
    public int flush() {
        return withTable(MacTable::flushLearned);
    }

    @Override
    public int flushPort(String port) {
        int number = portNumber(port);
        return withTable(t -> t.flushPort(number, false));
    }

    @Override
    public int flushVlan(int vlan) {
        int vid = checkVlan(vlan);
        return withTable(t -> t.flushVlan(vid));
    }

    @Override
    public void addStatic(MacAddress mac, int vlan, String port) {
        Objects.requireNonNull(mac, "mac");
        if (mac.isMulticast() || mac.isZero()) {
            throw new IllegalArgumentException("invalid static entry for " + mac
                    + ": a station address must be unicast and not all-zero (first octet even)");
        }
        int vid = checkVlan(vlan);
        int number = portNumber(port);
        withTable(t -> {
            t.addStatic(vid, mac.bits(), number);
            return null;
        });
        LOG.info("Static entry {} vlan {} -> {}", mac, vid, port);
    }

    @Override
    public boolean removeStatic(MacAddress mac, int vlan) {
        Objects.requireNonNull(mac, "mac");
        int vid = checkVlan(vlan);
        boolean removed = withTable(t -> t.removeStatic(vid, mac.bits()));
        if (removed) {
            LOG.info("Static entry {} vlan {} removed", mac, vid);
        }
        return removed;
    }

    @Override
    public FdbStats stats() {
        return withTable(t -> {
            t.expire(nanoClock.getAsLong());
            int[] perVlan = t.countsPerVlan();
            Map<Integer, Integer> map = new TreeMap<>();
            for (int vid = 0; vid < perVlan.length; vid++) {
                if (perVlan[vid] > 0) {
                    map.put(vid, perVlan[vid]);
                }
            }
            return new FdbStats(t.size(), t.staticCount(), map, t.learned(), t.expired(), t.evicted(), t.moved(),
                    invalidSourceDrops, t.maxLearned(), t.agingSeconds());
        });
    }

    @Override
    public FlapReport flaps() {
        return withTable(t -> {
            List<MacTable.Flap> flapping = new ArrayList<>(t.flapping(nanoClock.getAsLong()));
            // Keys are vlan << 48 | mac: their natural order is by VLAN, then MAC.
            flapping.sort((a, b) -> Long.compare(a.key(), b.key()));
            List<FlappingStation> stations = new ArrayList<>(flapping.size());
            for (MacTable.Flap f : flapping) {
                stations.add(new FlappingStation(new MacAddress(MacTable.macOf(f.key())), MacTable.vlanOf(f.key()),
                        portName(f.port()), portName(f.from()), f.moves()));
            }
            return new FlapReport(t.flaps(), t.flapMoves(), t.flapWindowSeconds(), stations);
        });
    }

    // ---- port events ----

    private void portChanged(PortEvent event) {
        PortInfo port = event.port();
        int removed;
        switch (event.type()) {
            case ADDED -> {
                // A port number may be reused: nothing learned under it before can be right.
                removed = flushQuietly(port, true);
            }
            case REMOVED -> removed = flushQuietly(port, true);
            case UPDATED -> {
                if (event.previous() == null || event.previous().vlan().equals(port.config().vlan())) {
                    return;
                }
                removed = flushQuietly(port, false);
            }
            default -> {
                return;
            }
        }
        if (removed > 0) {
            LOG.info("{} {}: flushed {} entries", port.name(), event.type().name().toLowerCase(Locale.ROOT),
                    removed);
        }
    }

    private int flushQuietly(PortInfo port, boolean includeStatic) {
        try {
            return withTable(t -> t.flushPort(port.number(), includeStatic));
        } catch (IllegalStateException e) {
            LOG.warn("{}: could not flush its MAC entries: {}", port.name(), e.getMessage());
            return 0;
        }
    }

    // ---- helpers ----

    /**
     * Runs {@code action} on the table with the table lock held, as a control operation. Tests use it to inspect
     * the table.
     *
     * @param action what to do
     * @param <T> its result type
     * @return its result
     * @throws IllegalStateException if the datapath does not release the table in time, or the module is inactive
     */
    <T> T withTable(Function<MacTable, T> action) {
        boolean locked;
        try {
            locked = lock.tryLock(L2Constants.CONTROL_LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the MAC table", e);
        }
        if (!locked) {
            throw new IllegalStateException("MAC table busy: the datapath held it for over "
                    + L2Constants.CONTROL_LOCK_TIMEOUT_MILLIS + " ms; see ringswitch:status and retry");
        }
        try {
            if (table == null) {
                throw new IllegalStateException("L2 learning module is not active: see scr:list");
            }
            return action.apply(table);
        } finally {
            lock.unlock();
        }
    }

    /** @param sink where flap reports go instead of the log; for tests */
    void flapLog(Consumer<String> sink) {
        flapLog = Objects.requireNonNull(sink, "sink");
    }

    private int portNumber(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("no port given: name one, see port-list");
        }
        return portService.port(name).map(PortInfo::number)
                .orElseThrow(() -> new IllegalArgumentException("no such port " + name + ": see port-list"));
    }

    private String portName(int number) {
        String name = portService.nameOf(number);
        return name != null ? name : "#" + number;
    }

    private static int checkVlan(int vlan) {
        if (vlan < 0 || vlan > VlanSet.MAX_VID) {
            throw new IllegalArgumentException("VLAN " + vlan + " out of range: expected 0..4094 (0 = no VLAN)");
        }
        return vlan;
    }

    private static int agingOf(L2Config config) {
        return clamp(L2Constants.AGING_SECONDS, config.agingSeconds(), MacTable.MIN_AGING_SECONDS,
                MacTable.MAX_AGING_SECONDS);
    }

    private static int maxEntriesOf(L2Config config) {
        return clamp(L2Constants.MAX_ENTRIES, config.maxEntries(), MacTable.MIN_MAX_ENTRIES,
                MacTable.MAX_MAX_ENTRIES);
    }

    private static int flapMovesOf(L2Config config) {
        return clamp(L2Constants.FLAP_MOVES, config.flapMoves(), MacTable.MIN_FLAP_MOVES, MacTable.MAX_FLAP_MOVES);
    }

    private static int flapWindowOf(L2Config config) {
        return clamp(L2Constants.FLAP_WINDOW_SECONDS, config.flapWindowSeconds(), MacTable.MIN_FLAP_WINDOW_SECONDS,
                MacTable.MAX_FLAP_WINDOW_SECONDS);
    }

    private static int clamp(String key, int value, int min, int max) {
        int clamped = Math.clamp(value, min, max);
        if (clamped != value) {
            LOG.warn("{} = {} in {} is out of range {}..{}: using {}", key, value, L2Constants.PID, min, max,
                    clamped);
        }
        return clamped;
    }
}
