package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.PortDropCounters;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.Frames;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Default forwarding (hub), egress narrowing, drops and egress tagging over in-memory ports.
 */
class ForwardingTest extends SwitchTestBase {

    @Test
    void shouldFloodSameBytesToEveryOtherPortButNotBackToIngress() {
        fx = new SwitchFixture(SwitchFixture.settings(), 4);
        byte[] frame = FrameBuilder.ethernet().source("02:00:00:00:00:01").length(100).build();
        assertTrue(fx.host(0).inject(frame));
        for (int i = 1; i < 4; i++) {
            List<byte[]> got = fx.host(i).awaitEgress(1, WAIT);
            assertEquals(1, got.size(), "port " + i);
            assertArrayEquals(frame, got.getFirst());
        }
        Traffic.await("tx counters", () -> fx.datapath.port("rsd3").orElseThrow().counters().txPackets() == 1,
                WAIT);
        assertTrue(fx.host(0).drainEgress().isEmpty(), "nothing goes back out of the ingress port");
        PortCounters in = fx.datapath.port("rsd0").orElseThrow().counters();
        assertEquals(1, in.rxPackets());
        assertEquals(100, in.rxBytes());
        assertEquals(0, in.rxDrops());
        assertEquals(100, fx.datapath.port("rsd1").orElseThrow().counters().txBytes());
    }

    @Test
    void shouldNotFloodToPortsThatAreDown() {
        fx = new SwitchFixture(SwitchFixture.settings(), 3);
        fx.datapath.updatePort(fx.datapath.port("rsd2").orElseThrow().config().withUp(false));
        assertFalse(fx.host(2).isUp(), "the link is set down in the kernel, not only in the switch");
        assertTrue(fx.host(0).inject(FrameBuilder.ethernet().build()));
        assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size());
        assertTrue(fx.host(2).drainEgress().isEmpty());
        assertEquals(0, fx.host(2).egressFrames());
        fx.datapath.addModule(new TestModule("to-all", Band.DIRECTOR, 0, f -> f.egress().add(2)), "test/1");
        assertTrue(fx.host(0).inject(FrameBuilder.ethernet().build()));
        Traffic.await("link_down tx drop", () -> fx.datapath.portDrops().get(2).txDrops(DropReason.LINK_DOWN) == 1,
                WAIT);
        assertEquals(1, fx.datapath.port("rsd2").orElseThrow().counters().txDrops());
        fx.datapath.modules().forEach(m -> assertEquals(0, m.exceptions()));
        fx.host(1).drainEgress();
        fx.datapath.updatePort(fx.datapath.port("rsd2").orElseThrow().config().withUp(true));
        assertTrue(fx.host(0).inject(FrameBuilder.ethernet().build()));
        assertEquals(1, fx.host(2).awaitEgress(1, WAIT).size(), "flooded again once up");
    }

    @Test
    void shouldDropWithReasonsAndCountPerPort() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        InMemoryTapPort in = fx.host(0);
        in.inject(new byte[10]);
        in.inject(FrameBuilder.ethernet().length(1500 + RingSettings.L2_OVERHEAD + 1).build());
        in.inject(FrameBuilder.ethernet().vlan(1).vlan(2).length(1500 + RingSettings.L2_OVERHEAD).build());
        assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size(), "MTU 1500 plus two tags still fits");
        Traffic.await("runt and too-long drops", () -> fx.datapath.drops(DropReason.RUNT) == 1
                && fx.datapath.drops(DropReason.TOO_LONG) == 1, WAIT);
        assertEquals(2, fx.datapath.port("rsd0").orElseThrow().counters().rxDrops());

        fx.datapath.removePort("rsd1");
        in.inject(FrameBuilder.ethernet().build());
        Traffic.await("no_egress drop", () -> fx.datapath.drops(DropReason.NO_EGRESS) == 1, WAIT);
        assertEquals(3, fx.datapath.port("rsd0").orElseThrow().counters().rxDrops());
        PortDropCounters byReason = fx.datapath.portDrops().getFirst();
        assertEquals("rsd0", byReason.port());
        assertEquals(1, byReason.rxDrops(DropReason.RUNT));
        assertEquals(1, byReason.rxDrops(DropReason.TOO_LONG));
        assertEquals(1, byReason.rxDrops(DropReason.NO_EGRESS));
        assertEquals(0, byReason.rxErrors());
    }

    @Test
    void shouldSendOnlyWhereDirectorPointsAndNeverHairpin() {
        fx = new SwitchFixture(SwitchFixture.settings(), 4);
        fx.datapath.addModule(new TestModule("to-2", Band.DIRECTOR, 0, f -> {
            f.egress().retainOnly(2);
            f.egress().add(f.ingressPort());
        }), "test/1");
        assertTrue(fx.host(0).inject(FrameBuilder.ethernet().build()));
        assertEquals(1, fx.host(2).awaitEgress(1, WAIT).size());
        assertTrue(fx.host(1).drainEgress().isEmpty());
        assertTrue(fx.host(3).drainEgress().isEmpty());
        assertTrue(fx.host(0).drainEgress().isEmpty());
    }

    @Test
    void shouldCountModuleDropsAndLetLaterModulesSeeDroppedFrames() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        TestModule dropper = new TestModule("dropper", Band.ADVISOR, 0, f -> {
            if (f.getByte(Traffic.SEQ_OFFSET + 7) % 2 == 1) {
                f.drop(DropReason.VLAN_NOT_ALLOWED);
            }
        });
        long[] seenDropped = new long[1];
        TestModule observer = new TestModule("observer", Band.OBSERVER, 0, f -> {
            if (f.isDropped()) {
                seenDropped[0]++;
            }
        });
        fx.datapath.addModule(observer, "test/1");
        fx.datapath.addModule(dropper, "test/1");
        for (int seq = 0; seq < 10; seq++) {
            Traffic.inject(fx.host(0), Traffic.frame(0x0200_0000_0001L, seq, 64));
        }
        List<byte[]> got = fx.host(1).awaitEgress(5, WAIT);
        assertEquals(5, got.size());
        got.forEach(b -> assertEquals(0, Traffic.seq(b) % 2));
        Traffic.await("drops counted", () -> fx.datapath.drops(DropReason.VLAN_NOT_ALLOWED) == 5, WAIT);
        Traffic.await("observer saw all", () -> observer.processed.get() == 10, WAIT);
        assertEquals(5, seenDropped[0]);
        var infos = fx.datapath.modules();
        assertEquals("dropper", infos.get(0).name());
        assertEquals(5, infos.get(0).drops());
        assertEquals(10, infos.get(0).frames());
        assertEquals(0, infos.get(1).drops());
        assertEquals(5, fx.datapath.port("rsd0").orElseThrow().counters().rxDrops());
    }

    @Test
    void shouldPushTagPerEgressPortAndLeaveOtherCopiesUntouched() {
        fx = new SwitchFixture(SwitchFixture.settings(), 4);
        class Tagger extends TestModule implements EgressTagging {
            Tagger() {
                super("tagger", Band.ADVISOR, 0, f -> f.setVlan(42));
            }

            @Override
            public int egressTci(Frame frame, int port) {
                return port == 2 ? (5 << 13) | frame.vlan() : UNTAGGED;
            }
        }
        fx.datapath.addModule(new Tagger(), "test/1");
        byte[] frame = FrameBuilder.ethernet().length(80).build();
        assertTrue(fx.host(0).inject(frame));
        byte[] tagged = fx.host(2).awaitEgress(1, WAIT).getFirst();
        assertEquals(42, Frames.outerVid(tagged));
        assertEquals(5 << 13 | 42, Frames.outerTci(tagged));
        assertArrayEquals(frame, Frames.untagged(tagged));
        assertArrayEquals(frame, fx.host(1).awaitEgress(1, WAIT).getFirst());
        assertArrayEquals(frame, fx.host(3).awaitEgress(1, WAIT).getFirst());
    }

    @Test
    void shouldReportStatusAndNames() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        var status = fx.datapath.status();
        assertEquals(2, status.ports());
        assertEquals(RingSettings.DEFAULT_RING_SIZE, status.ringSize());
        assertEquals(List.of("ringswitch-worker", "ringswitch-egress"), status.threads());
        assertEquals("rsd1", fx.datapath.nameOf(1));
        assertEquals(null, fx.datapath.nameOf(7));
        assertEquals(null, fx.datapath.nameOf(-1));
        assertEquals(List.of("rsd0", "rsd1"), fx.datapath.ports().stream().map(p -> p.name()).toList());
        assertEquals(PortConfig.of("rsd0").withMtu(1500).withMac(fx.host(0).mac()),
                fx.datapath.port("rsd0").orElseThrow().config());
    }
}
