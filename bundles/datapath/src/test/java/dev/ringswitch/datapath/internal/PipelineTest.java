package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.ModuleTiming;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Band and priority ordering, module lifecycle and module failures.
 */
class PipelineTest extends SwitchTestBase {

    private static TestModule tracing(String name, Band band, int priority, List<String> trace) {
        return new TestModule(name, band, priority, f -> trace.add(name));
    }

    @Test
    void shouldRunBandsInOrderThenPriorityThenName() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        List<String> trace = new CopyOnWriteArrayList<>();
        fx.datapath.addModule(tracing("stats", Band.OBSERVER, 0, trace), "test/1");
        fx.datapath.addModule(tracing("l2", Band.DIRECTOR, 10, trace), "test/1");
        fx.datapath.addModule(tracing("acl", Band.DIRECTOR, -5, trace), "test/1");
        fx.datapath.addModule(tracing("vlan", Band.ADVISOR, 100, trace), "test/1");
        fx.datapath.addModule(tracing("b-dir", Band.DIRECTOR, 10, trace), "test/1");
        assertTrue(fx.host(0).inject(FrameBuilder.ethernet().build()));
        Traffic.await("one frame through five modules", () -> trace.size() == 5, WAIT);
        List<String> expected = List.of("vlan", "acl", "b-dir", "l2", "stats");
        assertEquals(expected, trace);
        List<ModuleInfo> infos = fx.datapath.modules();
        assertEquals(expected, infos.stream().map(ModuleInfo::name).toList());
        assertEquals(List.of(1, 2, 3, 4, 5), infos.stream().map(ModuleInfo::position).toList());
        assertEquals(Band.ADVISOR, infos.getFirst().band());
        assertEquals("test/1", infos.getFirst().bundle());
        assertTrue(infos.stream().allMatch(i -> i.state() == ModuleInfo.State.ACTIVE));
    }

    @Test
    void shouldRunEveryModuleOfAPipelineLongerThanItsCallSites() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        List<String> trace = new CopyOnWriteArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ModuleCalls.SITES + 3; i++) {
            String name = "m" + (char) ('a' + i);
            fx.datapath.addModule(tracing(name, Band.DIRECTOR, i, trace), "test/1");
            expected.add(name);
        }
        for (int seq = 0; seq < 3; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
            assertEquals(seq, Traffic.seq(fx.host(1).awaitEgress(1, WAIT).getFirst()));
        }
        Traffic.await("three frames through every module", () -> trace.size() == 3 * expected.size(), WAIT);
        assertEquals(Collections.nCopies(3, expected).stream().flatMap(List::stream).toList(), trace);
    }

    @Test
    void shouldCallTheBatchHooksAModuleHasAndSkipTheEmptyDefaults() {
        AtomicInteger ends = new AtomicInteger();
        ForwardingModule endOnly = new ForwardingModule() {
            @Override
            public String name() {
                return "end-only";
            }

            @Override
            public Band band() {
                return Band.OBSERVER;
            }

            @Override
            public void process(Frame frame) {
            }

            @Override
            public void onBatchEnd() {
                ends.incrementAndGet();
            }
        };
        TestModule startOnly = new TestModule("start-only", Band.DIRECTOR, 0, f -> { });
        TestModule inherited = new TestModule("inherited", Band.DIRECTOR, 1, f -> { }) {
        };
        assertFalse(new ModuleSlot(endOnly, "test/1", 0).batchStart);
        assertTrue(new ModuleSlot(endOnly, "test/1", 0).batchEnd);
        assertTrue(new ModuleSlot(startOnly, "test/1", 0).batchStart);
        assertFalse(new ModuleSlot(startOnly, "test/1", 0).batchEnd);
        assertTrue(new ModuleSlot(inherited, "test/1", 0).batchStart, "an override in a superclass counts");

        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        fx.datapath.addModule(endOnly, "test/1");
        fx.datapath.addModule(startOnly, "test/1");
        for (int seq = 0; seq < 5; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
            fx.host(1).awaitEgress(1, WAIT);
        }
        Traffic.await("batches ended", () -> ends.get() == startOnly.batches.get(), WAIT);
        assertTrue(ends.get() >= 1 && ends.get() <= 5, "one onBatchEnd per batch: " + ends.get());
    }

    @Test
    void shouldProcessBatchModuleMajorInRingOrder() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        List<String> trace = new CopyOnWriteArrayList<>();
        fx.datapath.addModule(new TestModule("a", Band.ADVISOR, 0,
                f -> trace.add("a" + f.getByte(Traffic.SEQ_OFFSET + 7))), "test/1");
        fx.datapath.addModule(new TestModule("o", Band.OBSERVER, 0,
                f -> trace.add("o" + f.getByte(Traffic.SEQ_OFFSET + 7))), "test/1");
        for (int seq = 0; seq < 50; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
        }
        assertEquals(50, fx.host(1).awaitEgress(50, WAIT).size());
        Traffic.await("traces", () -> trace.size() == 100, WAIT);
        // Each module sees the frames in ring order, and per frame the advisor runs before the observer.
        int lastA = -1;
        int lastO = -1;
        for (int i = 0; i < trace.size(); i++) {
            String t = trace.get(i);
            int seq = Integer.parseInt(t.substring(1));
            if (t.charAt(0) == 'a') {
                assertEquals(lastA + 1, seq);
                lastA = seq;
            } else {
                assertEquals(lastO + 1, seq);
                assertTrue(trace.subList(0, i).contains("a" + seq));
                lastO = seq;
            }
        }
    }

    @Test
    void shouldStartAndStopModulesOnTheWorkerThread() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        TestModule m = new TestModule("m", Band.DIRECTOR, 0, f -> { });
        fx.datapath.addModule(m, "test/1");
        fx.host(0).inject(FrameBuilder.ethernet().build());
        fx.host(1).awaitEgress(1, WAIT);
        assertEquals(1, m.starts.get());
        assertEquals("ringswitch-worker", m.startThread);
        fx.datapath.removeModule(m);
        assertEquals(1, m.stops.get(), "onStop has run when the removal returns");
        assertTrue(fx.datapath.modules().isEmpty());
    }

    @Test
    void shouldDropFramesOfThrowingModuleAndKeepTheRingRunning() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        TestModule flaky = new TestModule("flaky", Band.DIRECTOR, 0, f -> {
            if (f.getByte(Traffic.SEQ_OFFSET + 7) % 3 == 0) {
                throw new IllegalStateException("bad luck on frame " + f.getByte(Traffic.SEQ_OFFSET + 7));
            }
        });
        TestModule after = new TestModule("after", Band.OBSERVER, 0, f -> { });
        fx.datapath.addModule(flaky, "test/1");
        fx.datapath.addModule(after, "test/1");
        for (int seq = 0; seq < 30; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
        }
        assertEquals(20, fx.host(1).awaitEgress(20, WAIT).size());
        Traffic.await("module errors", () -> fx.datapath.drops(DropReason.MODULE_ERROR) == 10, WAIT);
        ModuleInfo info = fx.datapath.modules().getFirst();
        assertEquals("flaky", info.name());
        assertEquals(10, info.exceptions());
        assertEquals(10, info.drops());
        assertEquals(ModuleInfo.State.ACTIVE, info.state(), "a module failing now and then is not isolated");
        ModuleTiming timing = fx.datapath.moduleTimings().getFirst();
        assertEquals("flaky", timing.name());
        assertEquals(30, timing.count());
        assertEquals(30, timing.bucketCounts().stream().mapToLong(Long::longValue).sum());
        assertTrue(timing.sumNanos() > 0);
        Traffic.await("observer saw every frame", () -> after.processed.get() == 30, WAIT);
    }

    @Test
    void shouldIsolateModuleAfterConsecutiveFailuresAndFallBackToFlooding() {
        fx = new SwitchFixture(SwitchFixture.withThreshold(10), 2);
        TestModule broken = new TestModule("broken", Band.DIRECTOR, 0, f -> {
            throw new UnsupportedOperationException("always");
        });
        fx.datapath.addModule(broken, "test/1");
        for (int seq = 0; seq < 10; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
        }
        Traffic.await("isolation", () -> fx.datapath.modules().getFirst().state() == ModuleInfo.State.FAILED,
                WAIT);
        assertEquals(10, fx.datapath.modules().getFirst().exceptions());
        Traffic.await("onStop of the isolated module", () -> broken.stops.get() == 1, WAIT);
        Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, 99, 64));
        List<byte[]> got = fx.host(1).awaitEgress(1, WAIT);
        assertEquals(99, Traffic.seq(got.getFirst()), "isolated module skipped, hub forwarding goes on");
        assertEquals(10, broken.processed.get());
        fx.datapath.removeModule(broken);
        assertEquals(1, broken.stops.get(), "no second onStop for an isolated module");
    }

    @Test
    void shouldApplyNewFailureThresholdWithoutRingRestart() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        fx.datapath.reconfigure(SwitchFixture.withThreshold(3));
        fx.datapath.addModule(new TestModule("broken", Band.DIRECTOR, 0, f -> {
            throw new UnsupportedOperationException("always");
        }), "test/1");
        for (int seq = 0; seq < 3; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
        }
        Traffic.await("isolation after 3", () -> fx.datapath.modules().getFirst().state() == ModuleInfo.State.FAILED,
                WAIT);
        assertEquals(3, fx.datapath.modules().getFirst().exceptions());
    }

    @Test
    void shouldRejectModuleWithoutName() {
        fx = new SwitchFixture(SwitchFixture.settings(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fx.datapath.addModule(new TestModule(null, Band.ADVISOR, 0, f -> { }), "x/1"));
        assertTrue(e.getMessage().contains("declares no name"), e.getMessage());
    }
}
