package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.ForwardingModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One bound {@link ForwardingModule} as the worker runs it: the module, what it declared when it was bound (name,
 * band and priority are read once, so a module cannot reorder itself), and its counters.
 *
 * <p>Threading: the counters, {@link #started} and the failure streak are written by the worker thread only
 * (opaque stores, as in {@link PortStats}); control threads read the counters and the state with opaque loads.
 */
final class ModuleSlot {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleSlot.class);

    private static final VarHandle FRAMES;
    private static final VarHandle DROPS;
    private static final VarHandle EXCEPTIONS;
    private static final VarHandle NANOS;
    private static final VarHandle FAILED;
    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);
    /** {@link ModuleTiming#BOUNDS_NANOS} unboxed, for the worker. */
    private static final long[] BOUNDS = ModuleTiming.BOUNDS_NANOS.stream().mapToLong(Long::longValue).toArray();

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FRAMES = lookup.findVarHandle(ModuleSlot.class, "frames", long.class);
            DROPS = lookup.findVarHandle(ModuleSlot.class, "drops", long.class);
            EXCEPTIONS = lookup.findVarHandle(ModuleSlot.class, "exceptions", long.class);
            NANOS = lookup.findVarHandle(ModuleSlot.class, "nanos", long.class);
            FAILED = lookup.findVarHandle(ModuleSlot.class, "failed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ForwardingModule module;
    final String name;
    final Band band;
    final int priority;
    final String bundle;
    /** Bind order, the last tie-breaker of the pipeline order. */
    final long order;
    /** The module as {@link EgressTagging}, or {@code null}. */
    final EgressTagging tagging;
    /**
     * Whether the module has an {@link ForwardingModule#onBatchStart} / {@link ForwardingModule#onBatchEnd} of its
     * own. The worker skips the empty defaults: on a lone frame after a quiet spell each call into a module is a
     * lookup in its class metadata that may miss the caches (see {@link ModuleCalls}), for a call that does nothing.
     */
    final boolean batchStart;
    /** See {@link #batchStart}. */
    final boolean batchEnd;
    private final RateLimitedLog log;

    private long frames;
    private long drops;
    private long exceptions;
    private long nanos;
    private boolean failed;
    /** Frames per time bucket (mean per-frame time of their batch); worker-written, index as in ModuleTiming. */
    private final long[] buckets = new long[BOUNDS.length + 1];

    /** Worker thread only: whether onStart ran and onStop has not. */
    boolean started;
    /**
     * Set by the watchdog when a call into the module did not return in time: the module is FAILED, and no thread
     * calls it again (not even onStop), since the abandoned worker thread may still be inside it.
     */
    private volatile boolean stalled;
    /** Worker thread only: exceptions since the last successful call. */
    private int failureStreak;
    /** Worker thread only: whether a stack trace has been logged for this module. */
    private boolean traced;

    ModuleSlot(ForwardingModule module, String bundle, long order) {
        this.module = module;
        this.name = module.name();
        this.band = module.band();
        this.priority = module.priority();
        if (name == null || name.isBlank() || band == null) {
            throw new IllegalArgumentException("forwarding module " + module.getClass().getName() + " from " + bundle
                    + " declares no name or no band: name() and band() must not return null");
        }
        this.bundle = bundle;
        this.order = order;
        this.tagging = module instanceof EgressTagging t ? t : null;
        this.batchStart = overrides(module, "onBatchStart");
        this.batchEnd = overrides(module, "onBatchEnd");
        this.log = new RateLimitedLog("module " + name);
    }

    /**
     * Whether the module's class has its own {@code method()}, not the interface's empty default: an empty hook is
     * not called (see {@link #batchStart}).
     */
    private static boolean overrides(ForwardingModule module, String method) {
        try {
            return module.getClass().getMethod(method).getDeclaringClass() != ForwardingModule.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /** @return whether the module is isolated; any thread */
    boolean isFailed() {
        return (boolean) FAILED.getOpaque(this);
    }

    /** Worker thread: a call returned normally. */
    void succeeded() {
        failureStreak = 0;
    }

    /**
     * Worker thread: a call threw. Counts it, logs it rate-limited and isolates the module once the streak reaches
     * the threshold.
     *
     * @param cause what was thrown
     * @param during which call, for the log
     * @param threshold consecutive failures that isolate the module
     */
    void threw(Throwable cause, String during, int threshold) {
        EXCEPTIONS.setOpaque(this, exceptions + 1);
        failureStreak++;
        log.warn(LOG, during + " threw; the frame is dropped (module_error)", cause, !traced);
        traced = true;
        if (failureStreak >= threshold && !failed) {
            FAILED.setOpaque(this, true);
            LOG.error("module {}: isolated after {} consecutive exceptions, it is skipped from now on; fix it and"
                    + " deploy it again (bundle:update or feature reinstall) to bring it back", name, failureStreak);
        }
    }

    /**
     * Watchdog thread: the module has been inside one call for too long. Isolates it for good (until it is deployed
     * again) and logs, once, where the stuck thread is.
     *
     * @param during which call
     * @param millis how long it has been inside
     * @param worker the stuck thread
     */
    void stalled(String during, long millis, Thread worker) {
        stalled = true;
        FAILED.setRelease(this, true);
        StringBuilder where = new StringBuilder();
        for (StackTraceElement frame : worker.getStackTrace()) {
            where.append("\n\tat ").append(frame);
        }
        LOG.error("module {}: {} has not returned for {} ms; isolated (FAILED) and skipped from now on. The ring goes"
                + " on with a new worker thread; the stuck one ({}) is abandoned and ends if the call ever returns."
                + " Fix the module and deploy it again (bundle:update or feature reinstall). The stuck thread:{}", name,
                during, millis, worker.getName(), where);
    }

    /** @return whether the watchdog found the module stuck; any thread */
    boolean isStalled() {
        return stalled;
    }

    /** Worker thread: adds one batch's accounting. */
    void account(int batchFrames, int batchDrops, long batchNanos) {
        FRAMES.setOpaque(this, frames + batchFrames);
        if (batchDrops != 0) {
            DROPS.setOpaque(this, drops + batchDrops);
        }
        NANOS.setOpaque(this, nanos + batchNanos);
        if (batchFrames > 0) {
            long perFrame = batchNanos / batchFrames;
            int b = 0;
            while (b < BOUNDS.length && perFrame > BOUNDS[b]) {
                b++;
            }
            ELEMENT.setOpaque(buckets, b, buckets[b] + batchFrames);
        }
    }

    /**
     * @param position the 1-based place in the pipeline
     * @return the processing-time histogram
     */
    ModuleTiming timing(int position) {
        List<Long> counts = new ArrayList<>(buckets.length);
        long count = 0;
        for (int i = 0; i < buckets.length; i++) {
            long n = (long) ELEMENT.getOpaque(buckets, i);
            counts.add(n);
            count += n;
        }
        return new ModuleTiming(name, position, counts, count, (long) NANOS.getOpaque(this));
    }

    /**
     * @param position the 1-based place in the pipeline
     * @return the operator's view
     */
    ModuleInfo info(int position) {
        long f = (long) FRAMES.getOpaque(this);
        long n = (long) NANOS.getOpaque(this);
        return new ModuleInfo(name, bundle, band, position,
                isFailed() ? ModuleInfo.State.FAILED : ModuleInfo.State.ACTIVE, f, (long) DROPS.getOpaque(this),
                (long) EXCEPTIONS.getOpaque(this), f == 0 ? 0.0 : (double) n / f);
    }

    @Override
    public String toString() {
        return name + "(" + band.name().toLowerCase(Locale.ROOT) + "/" + priority + ", " + bundle + ")";
    }
}
