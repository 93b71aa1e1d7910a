package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The datapath's protections over in-memory ports: VLAN ports fenced off without a tagging module, storm control,
 * the MTU counted without tags, and the watchdog that replaces a worker stuck in a module.
 */
class GuardsTest extends SwitchTestBase {

    private static final byte[] UNICAST = FrameBuilder.ethernet().source("02:00:00:00:00:01")
            .destination("02:00:00:00:00:02").length(64).build();
    private static final byte[] BROADCAST = FrameBuilder.ethernet().source("02:00:00:00:00:01").length(64).build();

    @Test
    void shouldFenceOffVlanPortsWhileNoTaggingModuleIsActive() {
        fx = new SwitchFixture(SwitchFixture.settings(), 4);
        for (String port : new String[] {"rsd1", "rsd2"}) {
            fx.datapath.updatePort(fx.datapath.port(port).orElseThrow().config().withVlan(VlanConfig.access(10)));
        }
        // From a VLAN port: dropped, nobody would classify it.
        assertTrue(fx.host(1).inject(UNICAST));
        Traffic.await("vlan_not_allowed on rsd1", () -> drops("rsd1", DropReason.VLAN_NOT_ALLOWED) == 1, WAIT);
        // From a plain port: flooded to the plain ports only, never untagged into VLAN 10.
        assertTrue(fx.host(0).inject(BROADCAST));
        assertEquals(1, fx.host(3).awaitEgress(1, WAIT).size());
        assertEquals(0, fx.host(1).drainEgress().size() + fx.host(2).drainEgress().size(), "leaked into VLAN 10");
        // Even when a module puts a VLAN port back into the egress set.
        fx.datapath.addModule(new TestModule("adds-back", Band.DIRECTOR, 0, f -> f.egress().add(2)), "test/1");
        assertTrue(fx.host(0).inject(BROADCAST));
        assertEquals(1, fx.host(3).awaitEgress(1, WAIT).size());
        assertEquals(0, fx.host(2).drainEgress().size(), "a module added a fenced port back");

        // A tagging module: VLAN ports switch again.
        Tagger tagger = new Tagger();
        fx.datapath.addModule(tagger, "test/1");
        assertTrue(fx.host(1).inject(UNICAST));
        assertEquals(1, fx.host(2).awaitEgress(1, WAIT).size(), "VLAN port to VLAN port with a tagger");

        // The tagger fails: fenced again at once, without a plan change.
        tagger.failing = true;
        for (int i = 0; i < RingSettings.DEFAULT_MODULE_FAILURE_THRESHOLD + 10; i++) {
            fx.host(0).inject(UNICAST);
        }
        Traffic.await("tagger isolated", () -> fx.datapath.modules().stream()
                .anyMatch(m -> m.name().equals("tagger") && m.state() == ModuleInfo.State.FAILED), WAIT);
        fx.host(2).drainEgress();
        long before = drops("rsd1", DropReason.VLAN_NOT_ALLOWED);
        assertTrue(fx.host(1).inject(UNICAST));
        Traffic.await("fenced again", () -> drops("rsd1", DropReason.VLAN_NOT_ALLOWED) == before + 1, WAIT);
        assertEquals(0, fx.host(2).drainEgress().size());
    }

    @Test
    void shouldLimitBroadcastsPerPortAndLeaveUnicastAlone() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        fx.datapath.guard(new GuardSettings(1000, GuardSettings.DEFAULT_MODULE_STALL_MILLIS));
        fx.host(1).discardEgress(true);
        int sent = 5000;
        for (int i = 0; i < sent; i++) {
            Traffic.inject(fx.host(0), BROADCAST);
        }
        Traffic.await("all broadcasts accounted for", () -> fx.host(1).egressFrames()
                + drops("rsd0", DropReason.STORM) == sent, WAIT);
        long storm = drops("rsd0", DropReason.STORM);
        assertTrue(storm > 0, "no storm drop");
        assertTrue(fx.host(1).egressFrames() >= 100, "the burst allowance (100 ms at 1000/s) got through: "
                + fx.host(1).egressFrames());

        long egress = fx.host(1).egressFrames();
        for (int i = 0; i < sent; i++) {
            Traffic.inject(fx.host(0), UNICAST);
        }
        Traffic.await("every unicast frame", () -> fx.host(1).egressFrames() == egress + sent, WAIT);
        assertEquals(storm, drops("rsd0", DropReason.STORM), "unicast is never storm-controlled");

        fx.datapath.guard(GuardSettings.DEFAULTS);
        for (int i = 0; i < sent; i++) {
            Traffic.inject(fx.host(0), BROADCAST);
        }
        Traffic.await("no limit once switched off", () -> fx.host(1).egressFrames() == egress + 2L * sent, WAIT);
    }

    @Test
    void aPortsOwnStormLimitTakesThePlaceOfTheSwitchWideOne() {
        fx = new SwitchFixture(SwitchFixture.settings(), 3);
        for (int i = 0; i < 3; i++) {
            fx.host(i).discardEgress(true);
        }
        int sent = 5000;

        // No switch-wide limit; rsd0 has its own.
        setStormLimit("rsd0", 1000);
        sendBroadcasts(0, sent);
        sendBroadcasts(1, sent);
        assertTrue(drops("rsd0", DropReason.STORM) > 0, "rsd0's own limit did not apply");
        assertEquals(0, drops("rsd1", DropReason.STORM), "rsd1 has no limit");

        // A switch-wide limit; rsd1 is exempt (0), rsd0 goes back to the switch's.
        fx.datapath.guard(new GuardSettings(1000, GuardSettings.DEFAULT_MODULE_STALL_MILLIS));
        setStormLimit("rsd1", 0);
        setStormLimit("rsd0", null);
        long rsd0Before = drops("rsd0", DropReason.STORM);
        sendBroadcasts(0, sent);
        sendBroadcasts(1, sent);
        assertTrue(drops("rsd0", DropReason.STORM) > rsd0Before, "the switch-wide limit did not apply to rsd0");
        assertEquals(0, drops("rsd1", DropReason.STORM), "rsd1's own 0 (no limit) did not apply");
    }

    private void setStormLimit(String port, Integer pps) {
        fx.datapath.updatePort(fx.datapath.port(port).orElseThrow().config().withStormControlPps(pps));
        assertEquals(pps, fx.datapath.port(port).orElseThrow().config().stormControlPps());
    }

    /** Sends broadcasts from a host and waits until each reached host 2 or was dropped as storm. */
    private void sendBroadcasts(int host, int count) {
        String port = "rsd" + host;
        long done = fx.host(2).egressFrames() + drops(port, DropReason.STORM);
        for (int i = 0; i < count; i++) {
            Traffic.inject(fx.host(host), BROADCAST);
        }
        Traffic.await("broadcasts from " + port + " accounted for",
                () -> fx.host(2).egressFrames() + drops(port, DropReason.STORM) == done + count, WAIT);
    }

    @Test
    void shouldCountTheMtuWithoutTags() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        InMemoryTapPort in = fx.host(0);
        in.inject(FrameBuilder.ethernet().length(1514).build());
        in.inject(FrameBuilder.ethernet().vlan(10).length(1518).build());
        in.inject(FrameBuilder.ethernet().vlan(10).vlan(20).length(1522).build());
        assertEquals(3, fx.host(1).awaitEgress(3, WAIT).size(), "full-size frames with zero, one and two tags");
        in.inject(FrameBuilder.ethernet().length(1515).build());
        in.inject(FrameBuilder.ethernet().length(1522).build());
        in.inject(FrameBuilder.ethernet().vlan(10).length(1519).build());
        Traffic.await("three over the MTU", () -> drops("rsd0", DropReason.TOO_LONG) == 3, WAIT);
        assertEquals(0, fx.host(1).drainEgress().size());
    }

    @Test
    void shouldReplaceAWorkerStuckInAModuleAndIsolateTheModule() throws Exception {
        fx = new SwitchFixture(SwitchFixture.settings(), 3);
        fx.datapath.guard(new GuardSettings(0, 200));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        TestModule stuck = new TestModule("stuck", Band.OBSERVER, 0, f -> {
            // Only frames from rsd2 get it stuck; the first one blocks until the test lets go.
            if (f.ingressPort() == 2 && entered.getAndIncrement() == 0) {
                awaitQuietly(release);
            }
        });
        fx.datapath.addModule(stuck, "test/1");
        try {
            assertTrue(fx.host(2).inject(UNICAST));
            Traffic.await("the module is isolated", () -> fx.datapath.modules().getFirst().state()
                    == ModuleInfo.State.FAILED, WAIT);
            // The ring goes on without it, on a new worker.
            assertTrue(fx.host(0).inject(UNICAST));
            assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size(), "frames flow again while the module hangs");
            Traffic.await("the stuck burst counted", () -> drops("rsd2", DropReason.MODULE_ERROR) == 1, WAIT);
            assertEquals(1, fx.datapath.status().threads().stream().filter(t -> t.equals("ringswitch-worker"))
                    .count());
            long processed = stuck.processed.get();
            assertTrue(fx.host(0).inject(UNICAST));
            assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size());
            assertEquals(processed, stuck.processed.get(), "an isolated module is not called again");
        } finally {
            release.countDown();
        }
        // Unbinding it neither waits for it nor calls its onStop: the abandoned thread may still be inside.
        fx.datapath.removeModule(stuck);
        assertEquals(0, stuck.stops.get());
        assertTrue(fx.host(2).inject(UNICAST));
        assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size(), "the port whose frame was stuck works again");
    }

    @Test
    void shouldOutliveAModuleThatBlocksForSecondsThenReturns() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        fx.datapath.guard(new GuardSettings(0, 200));
        AtomicInteger calls = new AtomicInteger();
        fx.datapath.addModule(new TestModule("slow", Band.DIRECTOR, 0, f -> {
            if (calls.getAndIncrement() == 0) {
                sleepQuietly(1500);
            }
        }), "test/1");
        assertTrue(fx.host(0).inject(UNICAST));
        Traffic.await("isolated", () -> fx.datapath.modules().getFirst().state() == ModuleInfo.State.FAILED,
                WAIT);
        for (int i = 0; i < 100; i++) {
            Traffic.inject(fx.host(0), UNICAST);
        }
        assertEquals(100, fx.host(1).awaitEgress(100, WAIT).size());
        // The slow call returns: the abandoned thread must not write anything twice or touch the ring.
        Traffic.await("the slow call returned", () -> calls.get() == 1 && !slowCallRunning(), WAIT);
        for (int i = 0; i < 100; i++) {
            Traffic.inject(fx.host(0), UNICAST);
        }
        assertEquals(100, fx.host(1).awaitEgress(100, WAIT).size());
        assertEquals(0, fx.host(1).drainEgress().size(), "a frame was written twice");
        assertEquals(1, drops("rsd0", DropReason.MODULE_ERROR), "the frame inside the slow call");
    }

    private static boolean slowCallRunning() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("ringswitch-worker-abandoned") && t.isAlive());
    }

    @Test
    void shouldCountABurstOfFailedReadsAsOneRxErrorAndStopReadingThePort() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        InMemoryTapPort in = fx.host(0);
        // Give rsd0 a burst history of 8 frames, so that its next turn submits 8 reads at once: hold the worker in a
        // module on the first frame while 7 more queue behind it.
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fx.datapath.addModule(new TestModule("gate", Band.OBSERVER, 0, f -> {
            inside.countDown();
            awaitQuietly(release);
        }), "test/1");
        assertTrue(in.inject(UNICAST));
        awaitQuietly(inside);
        for (int i = 0; i < 7; i++) {
            assertTrue(in.inject(UNICAST));
        }
        release.countDown();
        assertEquals(8, fx.host(1).awaitEgress(8, WAIT).size());

        in.failReads(InMemoryTapPort.EIO);
        assertTrue(in.inject(UNICAST));
        Traffic.await("the failed read counted", () -> rxErrors("rsd0") > 0, WAIT);
        // The worker finishes the failed burst before it serves rsd1 again: once this frame is through, every
        // read of that burst has been accounted.
        assertTrue(fx.host(1).inject(UNICAST));
        assertEquals(1, in.awaitEgress(1, WAIT).size());
        assertEquals(1, rxErrors("rsd0"), "one failed burst of reads is one rx error");
        in.failReads(0);
        assertEquals(1, in.pendingIngress(), "the port is no longer read once it failed");
    }

    private long rxErrors(String port) {
        return fx.datapath.portDrops().stream().filter(d -> d.port().equals(port)).findFirst().orElseThrow()
                .rxErrors();
    }

    private long drops(String port, DropReason reason) {
        return fx.datapath.portDrops().stream().filter(d -> d.port().equals(port)).findFirst().orElseThrow()
                .rxDrops(reason);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A tagging module that leaves every frame untagged, and throws on demand. */
    private static final class Tagger extends TestModule implements EgressTagging {

        volatile boolean failing;

        Tagger() {
            super("tagger", Band.ADVISOR, 0, f -> { });
        }

        @Override
        public void process(Frame frame) {
            if (failing) {
                throw new IllegalStateException("tagger broken");
            }
            super.process(frame);
        }

        @Override
        public int egressTci(Frame frame, int port) {
            return UNTAGGED;
        }
    }
}
