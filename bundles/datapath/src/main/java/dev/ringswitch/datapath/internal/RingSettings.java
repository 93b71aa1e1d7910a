package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Frame;

import java.util.Optional;

/**
 * The datapath's settings, validated, with every key and default of {@code etc/ringswitch.datapath.cfg} as a named
 * constant (the single place for them; {@link DatapathConfig} and the cfg file repeat them).
 *
 * @param ringSize slots in the ring
 * @param frameSize bytes per slot, headroom included
 * @param ingressBatch frames read from one port per wakeup
 * @param workerBatch largest worker batch, in frames
 * @param waitStrategy how the worker waits
 * @param quiesceTimeoutMillis how long a control change waits for the datapath, in milliseconds
 * @param moduleFailureThreshold consecutive exceptions that isolate a module
 * @param offloads open every port with a virtio-net header and checksum/TSO offloads (GSO frames up to 64 KiB)
 * @param handOver whether the worker hands backlogs to the egress thread
 * @param ioEngine how frames are read and written: batched on io_uring, or one syscall each
 * @param workerCpu where the worker thread runs
 * @param stallSentinels whether a thread per CPU takes the hypervisor's periodic stall in the worker's place
 * @param busyPoll how long the worker polls its ports after a frame before it sleeps, while light traffic flows
 */
record RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                    long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads, HandOver handOver,
                    IoEngine ioEngine, WorkerCpu workerCpu, StallSentinelsMode stallSentinels, BusyPoll busyPoll) {

    /** Configuration PID of the datapath. */
    static final String PID = "ringswitch.datapath";

    /**
     * Largest frame a port with offloads hands the switch: a 64 KiB GSO frame (the kernel's legacy GSO limit,
     * headers included) plus two tags.
     */
    static final int GSO_MAX_FRAME = 65536 + 2 * Frame.TAG_LENGTH;
    /** Bytes per slot that carry {@link #GSO_MAX_FRAME}: the slot's vnet room and tag headroom, then the frame. */
    static final int GSO_FRAME_SIZE = FrameBuffer.PREFIX + Frame.HEADROOM + GSO_MAX_FRAME;
    /** Slots in the ring. 256 x 64 KiB = 16 MiB off-heap; a small frame touches only the first lines of its slot. */
    static final int DEFAULT_RING_SIZE = 256;
    /** Bytes per slot: room for a GSO frame ({@link #GSO_FRAME_SIZE}). */
    static final int DEFAULT_FRAME_SIZE = GSO_FRAME_SIZE;
    /** Frames read from one port per wakeup before the next ready port is served (fairness quantum). */
    static final int DEFAULT_INGRESS_BATCH = 32;
    /** Frames the worker runs through the modules at once (bounds added latency: ~64 x per-frame cost). */
    static final int DEFAULT_WORKER_BATCH = 64;
    /** Sleeps when idle and costs one atomic exchange per publish; see the bench README for the comparison. */
    static final String DEFAULT_WAIT_STRATEGY = "lite-blocking";
    /** Milliseconds a module unbind or port removal waits for the worker to acknowledge. */
    static final long DEFAULT_QUIESCE_TIMEOUT_MILLIS = 2000;
    /** Consecutive exceptions of one module (no successful call in between) that isolate it. */
    static final int DEFAULT_MODULE_FAILURE_THRESHOLD = 100;
    /** Virtio-net header and offloads on every port: TCP crosses the switch as 64 KiB frames, ~40x fewer syscalls. */
    static final boolean DEFAULT_OFFLOADS = true;
    /** Pipelining only where there is a core to spare for it; see {@link HandOver#AUTO}. */
    static final String DEFAULT_HAND_OVER = "auto";
    /** A burst's reads, and its writes, in one system call each; see bench/README.md for what it gains. */
    static final String DEFAULT_IO_ENGINE = "io_uring";
    /** Bound while bulk traffic flows, placed by the scheduler otherwise; see {@link WorkerCpu} for the trade-off. */
    static final String DEFAULT_WORKER_CPU = "auto";
    /**
     * Where the stall they take is charged ({@link StallSentinelsMode#AUTO}); elsewhere they would only cost CPU while
     * light traffic flows. See {@link StallSentinels}.
     */
    static final String DEFAULT_STALL_SENTINELS = "auto";
    /** On a virtual machine, where waking the worker is dear ({@link BusyPoll#AUTO}); see {@link BusyPoll}. */
    static final String DEFAULT_BUSY_POLL = "auto";

    /** Smallest ring accepted. */
    static final int MIN_RING_SIZE = 2;
    /** Largest ring accepted (65536 x frameSize of off-heap memory). */
    static final int MAX_RING_SIZE = 1 << 16;
    /** Smallest slot: headroom plus a 60-byte minimum frame plus two tags, rounded up. */
    static final int MIN_FRAME_SIZE = 128;
    /** Largest slot: room for the largest frame the TUN driver hands over. */
    static final int MAX_FRAME_SIZE = GSO_FRAME_SIZE;
    /** Ethernet header plus two 802.1Q tags: what a frame may add to the port's MTU. */
    static final int L2_OVERHEAD = Frame.ETH_HEADER + 2 * Frame.TAG_LENGTH;

    /** The defaults. */
    static final RingSettings DEFAULTS = new RingSettings(DEFAULT_RING_SIZE, DEFAULT_FRAME_SIZE,
            DEFAULT_INGRESS_BATCH, DEFAULT_WORKER_BATCH, WaitStrategyKind.parse(DEFAULT_WAIT_STRATEGY),
            DEFAULT_QUIESCE_TIMEOUT_MILLIS, DEFAULT_MODULE_FAILURE_THRESHOLD, DEFAULT_OFFLOADS,
            HandOver.parse(DEFAULT_HAND_OVER), IoEngine.parse(DEFAULT_IO_ENGINE), WorkerCpu.parse(DEFAULT_WORKER_CPU),
            StallSentinelsMode.parse(DEFAULT_STALL_SENTINELS), BusyPoll.parse(DEFAULT_BUSY_POLL));

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the key, the value and the accepted range
     */
    RingSettings {
        if (ringSize < MIN_RING_SIZE || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw invalid("ringSize", ringSize, "a power of two in " + MIN_RING_SIZE + ".." + MAX_RING_SIZE);
        }
        if (frameSize < MIN_FRAME_SIZE || frameSize > MAX_FRAME_SIZE) {
            throw invalid("frameSize", frameSize, MIN_FRAME_SIZE + ".." + MAX_FRAME_SIZE + " bytes");
        }
        if (ingressBatch < 1 || ingressBatch > ringSize) {
            throw invalid("ingressBatch", ingressBatch, "1..ringSize (" + ringSize + ")");
        }
        if (workerBatch < 1 || workerBatch > ringSize) {
            throw invalid("workerBatch", workerBatch, "1..ringSize (" + ringSize + ")");
        }
        if (quiesceTimeoutMillis < 1) {
            throw invalid("quiesceTimeoutMillis", quiesceTimeoutMillis, "at least 1 ms");
        }
        if (moduleFailureThreshold < 1) {
            throw invalid("moduleFailureThreshold", moduleFailureThreshold, "at least 1");
        }
    }

    /** Settings with the default for {@code busyPoll}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads, HandOver handOver,
                 IoEngine ioEngine, WorkerCpu workerCpu, StallSentinelsMode stallSentinels) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, offloads, handOver, ioEngine, workerCpu, stallSentinels,
                BusyPoll.parse(DEFAULT_BUSY_POLL));
    }

    /** Settings with the default for {@code stallSentinels}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads, HandOver handOver,
                 IoEngine ioEngine, WorkerCpu workerCpu) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, offloads, handOver, ioEngine, workerCpu,
                StallSentinelsMode.parse(DEFAULT_STALL_SENTINELS));
    }

    /** Settings with the default for {@code workerCpu}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads, HandOver handOver,
                 IoEngine ioEngine) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, offloads, handOver, ioEngine, WorkerCpu.parse(DEFAULT_WORKER_CPU));
    }

    /** Settings with the default for {@code ioEngine}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads, HandOver handOver) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, offloads, handOver, IoEngine.parse(DEFAULT_IO_ENGINE));
    }

    /** Settings with the defaults for {@code offloads} and {@code handOver}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, DEFAULT_OFFLOADS);
    }

    /** Settings with the default for {@code handOver}. */
    RingSettings(int ringSize, int frameSize, int ingressBatch, int workerBatch, WaitStrategyKind waitStrategy,
                 long quiesceTimeoutMillis, int moduleFailureThreshold, boolean offloads) {
        this(ringSize, frameSize, ingressBatch, workerBatch, waitStrategy, quiesceTimeoutMillis,
                moduleFailureThreshold, offloads, HandOver.parse(DEFAULT_HAND_OVER));
    }

    private static IllegalArgumentException invalid(String key, long value, String expected) {
        return new IllegalArgumentException("invalid " + key + " " + value + " in " + PID + ": expected " + expected);
    }

    /**
     * @param config the DS configuration
     * @return validated settings
     */
    static RingSettings from(DatapathConfig config) {
        return new RingSettings(config.ringSize(), config.frameSize(), config.ingressBatch(), config.workerBatch(),
                WaitStrategyKind.parse(config.waitStrategy()), config.quiesceTimeoutMillis(),
                config.moduleFailureThreshold(), config.offloads(), HandOver.parse(config.handOver()),
                IoEngine.parse(config.ioEngine()), WorkerCpu.parse(config.workerCpu()),
                StallSentinelsMode.parse(config.stallSentinels()), BusyPoll.parse(config.busyPoll()));
    }

    /** @return operations per I/O batch: a burst's reads, or its writes to a few ports each */
    int ioBatch() {
        return Math.min(4096, Math.max(64, 2 * Math.max(ingressBatch, workerBatch)));
    }

    /** @return the largest frame a slot holds, in bytes */
    int readCapacity() {
        return frameSize - FrameBuffer.PREFIX - Frame.HEADROOM;
    }

    /**
     * @return whether new ports get the virtio-net header and offloads: asked for, and the slots hold a GSO frame
     *         (with smaller slots the kernel would truncate them, so the datapath falls back to plain frames)
     */
    boolean offloadsActive() {
        return offloads && readCapacity() >= GSO_MAX_FRAME;
    }

    /** @return the largest port MTU the slots carry with two tags */
    int maxMtu() {
        return readCapacity() - L2_OVERHEAD;
    }

    /**
     * Reads what {@code auto} decides by, once per ring: the decision and the Started line then agree.
     *
     * @return what samples this machine's memory ({@link DamonSampling#onThisMachine()}) for {@code auto}; empty for
     *         {@code true} and {@code false}, which read nothing
     */
    Optional<String> damonSampling() {
        return stallSentinels == StallSentinelsMode.AUTO ? DamonSampling.onThisMachine() : Optional.empty();
    }

    /**
     * @param damon what {@link #damonSampling()} found
     * @return whether the ring runs stall sentinels
     */
    boolean sentinelsOn(Optional<String> damon) {
        return stallSentinels.on(() -> damon);
    }

    /** @return whether a ring built with {@code other} would differ (needs a ring restart) */
    boolean ringDiffers(RingSettings other) {
        return ringSize != other.ringSize || frameSize != other.frameSize || ingressBatch != other.ingressBatch
                || workerBatch != other.workerBatch || waitStrategy != other.waitStrategy || handOver != other.handOver
                || ioEngine != other.ioEngine || !workerCpu.equals(other.workerCpu)
                || stallSentinels != other.stallSentinels || !busyPoll.equals(other.busyPoll);
    }

    /**
     * @param damon what {@link #damonSampling()} found, which says why {@code auto} turned the sentinels on or off
     * @param busyPollMicros what {@link #busyPoll} came to on this machine ({@link BusyPoll#micros})
     * @return the settings in cfg syntax, for the Started line
     */
    String describe(Optional<String> damon, long busyPollMicros) {
        return "ringSize=" + ringSize + ", frameSize=" + frameSize + ", ingressBatch=" + ingressBatch
                + ", workerBatch=" + workerBatch + ", waitStrategy=" + waitStrategy.label() + ", offloads="
                + (offloadsActive() ? "on" : offloads ? "off (frameSize below " + GSO_FRAME_SIZE + ")" : "off")
                + ", handOver=" + handOver.label() + (handOver.pipelines() ? " (pipelined)" : " (run to completion)")
                + ", ioEngine=" + ioEngine.label() + ", workerCpu=" + workerCpu.label() + ", stallSentinels="
                + stallSentinels.label() + (stallSentinels != StallSentinelsMode.AUTO ? ""
                : damon.map(why -> " (on: " + why + ")").orElse(" (off: no DAMON sampling of"
                        + " this virtual machine's memory)"))
                + ", busyPoll=" + busyPoll.label() + (busyPoll.micros() != BusyPoll.AUTO ? ""
                : busyPollMicros > 0 ? " (" + busyPollMicros + " us: a virtual machine with two or more CPUs)"
                : " (off: not a virtual machine with two or more CPUs)");
    }
}
