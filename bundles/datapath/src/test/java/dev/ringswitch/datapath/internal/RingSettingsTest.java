package dev.ringswitch.datapath.internal;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingSettingsTest {

    @Test
    void shouldValidateWithPreciseMessages() {
        RingSettings d = RingSettings.DEFAULTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(1000,
                d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(), 1, 1));
        assertEquals("invalid ringSize 1000 in ringswitch.datapath: expected a power of two in 2..65536",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(64, 64, 1, 1, d.waitStrategy(), 1,
                1));
        assertEquals("invalid frameSize 64 in ringswitch.datapath: expected 128..65568 bytes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(64, 2048, 1, 65, d.waitStrategy(), 1,
                1));
        assertEquals("invalid workerBatch 65 in ringswitch.datapath: expected 1..ringSize (64)", e.getMessage());
    }

    @Test
    void shouldParseWaitStrategies() {
        assertEquals(WaitStrategyKind.LITE_BLOCKING, WaitStrategyKind.parse(RingSettings.DEFAULT_WAIT_STRATEGY));
        assertEquals(WaitStrategyKind.BUSY_SPIN, WaitStrategyKind.parse(" Busy-Spin "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WaitStrategyKind.parse("spin"));
        assertEquals("invalid waitStrategy 'spin' in ringswitch.datapath: expected one of lite-blocking, blocking,"
                + " sleeping, yielding, busy-spin", e.getMessage());
    }

    @Test
    void shouldDeriveLimitsFromFrameSize() {
        assertEquals(65544, RingSettings.DEFAULTS.readCapacity());
        assertEquals(65522, RingSettings.DEFAULTS.maxMtu());
        assertTrue(RingSettings.DEFAULTS.offloadsActive());
        RingSettings small = new RingSettings(64, 2048, 1, 1, WaitStrategyKind.BLOCKING, 1, 1, true);
        assertEquals(2024, small.readCapacity());
        assertEquals(2002, small.maxMtu());
        assertFalse(small.offloadsActive(), "a slot that cannot hold a GSO frame turns offloads off");
        assertTrue(described(small).contains("offloads=off (frameSize below 65568)"), described(small));
    }

    @Test
    void shouldParseHandOverModes() {
        assertEquals(HandOver.AUTO, HandOver.parse(RingSettings.DEFAULT_HAND_OVER));
        assertEquals(HandOver.OFF, HandOver.parse(" Off "));
        assertTrue(HandOver.ON.pipelines());
        assertFalse(HandOver.OFF.pipelines());
        assertEquals(Runtime.getRuntime().availableProcessors() >= HandOver.AUTO_MIN_CPUS, HandOver.AUTO.pipelines());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HandOver.parse("yes"));
        assertEquals("invalid handOver 'yes' in ringswitch.datapath: expected one of auto, on, off", e.getMessage());
        RingSettings d = RingSettings.DEFAULTS;
        RingSettings off = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), true, HandOver.OFF);
        assertTrue(off.ringDiffers(d.handOver() == HandOver.OFF ? new RingSettings(d.ringSize(), d.frameSize(),
                d.ingressBatch(), d.workerBatch(), d.waitStrategy(), d.quiesceTimeoutMillis(),
                d.moduleFailureThreshold(), true, HandOver.ON) : d), "a new mode restarts the ring's threads");
        assertTrue(described(off).contains("handOver=off (run to completion)"), described(off));
    }

    @Test
    void shouldParseIoEngines() {
        assertEquals(IoEngine.IO_URING, IoEngine.parse(RingSettings.DEFAULT_IO_ENGINE));
        assertEquals(IoEngine.IO_URING, IoEngine.parse(" IO-URING "));
        assertEquals(IoEngine.SYSCALLS, IoEngine.parse("syscalls"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoEngine.parse("epoll"));
        assertEquals("invalid ioEngine 'epoll' in ringswitch.datapath: expected one of io_uring, syscalls",
                e.getMessage());
        RingSettings d = RingSettings.DEFAULTS;
        RingSettings syscalls = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(),
                IoEngine.SYSCALLS);
        assertTrue(syscalls.ringDiffers(d), "a new engine restarts the ring's threads");
        assertTrue(described(syscalls).contains(", ioEngine=syscalls,"), described(syscalls));
        assertTrue(d.ioBatch() >= d.ingressBatch(), "a whole burst's reads fit in one batch");
    }

    @Test
    void shouldParseAndPlaceTheWorkerCpu() {
        BitSet twoCpus = new BitSet();
        twoCpus.set(0, 2);
        BitSet oneCpu = new BitSet();
        oneCpu.set(0);
        assertEquals(WorkerCpu.AUTO, WorkerCpu.parse(RingSettings.DEFAULT_WORKER_CPU).cpu(), "the default: auto");
        assertEquals(1, WorkerCpu.parse("auto").choose(twoCpus), "auto: the last CPU (while bulk traffic flows)");
        assertEquals(-1, WorkerCpu.parse("auto").choose(oneCpu), "auto on one CPU: unbound");
        assertEquals(-1, WorkerCpu.parse("auto").choose(new BitSet()), "auto, CPUs unknown: unbound");
        assertEquals(-1, WorkerCpu.parse(" None ").choose(twoCpus));
        assertEquals(0, WorkerCpu.parse("0").choose(twoCpus));
        assertEquals(-1, WorkerCpu.parse("5").choose(twoCpus), "a CPU the process may not use: unbound");
        for (String bad : new String[] {"-1", "last", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerCpu.parse(bad));
            assertEquals("invalid workerCpu '" + bad + "' in ringswitch.datapath: expected auto, none or a CPU number"
                    + " (0, 1, ...)", e.getMessage());
        }
        RingSettings d = RingSettings.DEFAULTS;
        RingSettings none = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(),
                d.ioEngine(), WorkerCpu.parse("none"));
        assertTrue(none.ringDiffers(d), "placing the worker otherwise restarts the ring's threads");
        assertTrue(described(none).contains(", workerCpu=none,"), described(none));
        RingSettings sentinels = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(),
                d.ioEngine(), d.workerCpu(), StallSentinelsMode.TRUE);
        assertEquals(StallSentinelsMode.AUTO, d.stallSentinels(), "stall sentinels are decided by the machine");
        assertTrue(sentinels.ringDiffers(d), "starting the sentinels for good restarts the ring's threads");
        assertTrue(described(sentinels).contains(", stallSentinels=true, "), described(sentinels));
        Optional<String> damon = Optional.of("DAMON (kdamond 0) samples physical memory");
        assertTrue(d.describe(damon, 0).contains(
                ", stallSentinels=auto (on: DAMON (kdamond 0) samples physical memory), "), d.describe(damon, 0));
        assertTrue(described(d).contains(
                ", stallSentinels=auto (off: no DAMON sampling of this virtual machine's memory), "),
                described(d));
        assertTrue(d.sentinelsOn(damon) && !d.sentinelsOn(Optional.empty()), "auto follows what DAMON does");
        assertTrue(sentinels.sentinelsOn(Optional.empty()), "true runs them without DAMON");
        assertEquals(DamonSampling.onThisMachine(), d.damonSampling(), "auto reads the machine");
        assertEquals(Optional.empty(), sentinels.damonSampling(), "true reads nothing");
    }

    @Test
    void stallSentinelsAreAutoTrueOrFalse_andAutoFollowsTheMachine() {
        assertEquals(StallSentinelsMode.AUTO, StallSentinelsMode.parse(" Auto "));
        assertEquals(StallSentinelsMode.TRUE, StallSentinelsMode.parse("true"));
        assertEquals(StallSentinelsMode.FALSE, StallSentinelsMode.parse("FALSE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StallSentinelsMode.parse("sometimes"));
        assertEquals("invalid stallSentinels 'sometimes' in ringswitch.datapath: expected one of auto, true, false",
                e.getMessage());
        Supplier<Optional<String>> sampled = () -> Optional.of("DAMON");
        Supplier<Optional<String>> notSampled = Optional::empty;
        assertTrue(StallSentinelsMode.AUTO.on(sampled));
        assertFalse(StallSentinelsMode.AUTO.on(notSampled));
        assertTrue(StallSentinelsMode.TRUE.on(notSampled));
        assertFalse(StallSentinelsMode.FALSE.on(sampled));
    }

    @Test
    void busyPollIsAutoOffOrMicroseconds_andAutoPollsOnlyOnAVirtualMachineWithTwoCpus() {
        assertEquals(BusyPoll.AUTO, BusyPoll.parse(RingSettings.DEFAULT_BUSY_POLL).micros(), "the default: auto");
        assertEquals(BusyPoll.AUTO_MICROS, BusyPoll.parse(" Auto ").micros(true, 2), "auto on a 2-CPU VM");
        assertEquals(0, BusyPoll.parse("auto").micros(false, 2), "auto on bare metal: off");
        assertEquals(0, BusyPoll.parse("auto").micros(true, 1), "auto on one CPU: off");
        assertEquals(0, BusyPoll.parse("auto").micros(true, 0), "auto, CPUs unknown: off");
        assertEquals(0, BusyPoll.parse("off").micros(true, 2));
        assertEquals(0, BusyPoll.parse("0").micros(true, 2));
        assertEquals(500, BusyPoll.parse("500").micros(false, 1), "a number is taken as it is");
        assertEquals(BusyPoll.MAX_MICROS, BusyPoll.parse("1000000").micros(false, 1));
        for (String bad : new String[] {"-1", "1000001", "20ms", "on", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BusyPoll.parse(bad));
            assertEquals("invalid busyPoll '" + bad + "' in ringswitch.datapath: expected auto, off or microseconds"
                    + " 0..1000000 (e.g. 20000 polls 20 ms after a frame)", e.getMessage());
        }
        RingSettings d = RingSettings.DEFAULTS;
        RingSettings off = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(),
                d.ioEngine(), d.workerCpu(), d.stallSentinels(), BusyPoll.parse("off"));
        assertTrue(off.ringDiffers(d), "a new busyPoll restarts the ring's threads");
        assertTrue(described(off).endsWith(", busyPoll=off"), described(off));
        assertTrue(d.describe(Optional.empty(), 20_000).endsWith(
                ", busyPoll=auto (20000 us: a virtual machine with two or more CPUs)"), d.describe(Optional.empty(),
                20_000));
        assertTrue(described(d).endsWith(", busyPoll=auto (off: not a virtual machine with two or more CPUs)"),
                described(d));
    }

    /** @return the settings as the Started line gives them where nothing was read of DAMON and nothing polls */
    private static String described(RingSettings settings) {
        return settings.describe(Optional.empty(), 0);
    }
}
