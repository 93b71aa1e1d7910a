package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports added, updated and removed, also while traffic flows.
 */
class PortChurnTest extends SwitchTestBase {

    @Test
    void shouldAddAndRemovePortsWhileTrafficFlowsWithoutLosingFramesBetweenStablePorts() throws Exception {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        int frames = 100_000;
        InMemoryTapPort in = fx.host(0);
        InMemoryTapPort out = fx.host(1);
        AtomicLong received = new AtomicLong();
        CompletableFuture<Long> receiver = CompletableFuture.supplyAsync(() -> {
            long n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (n < frames && System.nanoTime() - deadline < 0) {
                if (out.pollEgress() != null) {
                    n++;
                    received.incrementAndGet();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
            return n;
        }, pool);
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            for (int seq = 0; seq < frames; seq++) {
                Traffic.injectWindowed(in, received, seq, Traffic.frame(0x0200_0000_0001L, seq, 64));
            }
        }, pool);
        for (int round = 0; round < 100; round++) {
            PortInfo added = fx.datapath.addPort(PortConfig.of("rsdx"));
            assertEquals(2, added.number(), "the lowest free number is reused");
            InMemoryTapPort extra = fx.provider.require("rsdx");
            fx.datapath.removePort("rsdx");
            assertTrue(extra.isClosed(), "removal closes the fd");
            extra.drainEgress();
        }
        sender.get(60, TimeUnit.SECONDS);
        assertEquals(frames, receiver.get(60, TimeUnit.SECONDS));
        assertEquals(List.of("rsd0", "rsd1"), fx.datapath.ports().stream().map(PortInfo::name).toList());
    }

    @Test
    void shouldTellListenersInOrderAndReplayExistingPorts() {
        fx = new SwitchFixture(SwitchFixture.settings(), 1);
        List<PortEvent> events = new CopyOnWriteArrayList<>();
        fx.datapath.addListener(events::add);
        fx.datapath.addPort(PortConfig.of("rsda"));
        PortConfig before = fx.datapath.port("rsda").orElseThrow().config();
        fx.datapath.updatePort(before.withMtu(1400));
        fx.datapath.removePort("rsda");
        assertEquals(List.of(PortEvent.Type.ADDED, PortEvent.Type.ADDED, PortEvent.Type.UPDATED,
                PortEvent.Type.REMOVED), events.stream().map(PortEvent::type).toList());
        assertEquals("rsd0", events.get(0).port().name());
        assertEquals(before, events.get(2).previous());
        assertEquals(1400, events.get(2).port().config().mtu());
        fx.datapath.addListener(e -> {
            throw new IllegalStateException("broken listener");
        });
        fx.datapath.addPort(PortConfig.of("rsdb"));
        assertEquals(PortEvent.Type.ADDED, events.getLast().type(), "a failing listener does not stop the others");
    }

    @Test
    void shouldUpdateInPlaceAndRefuseChangesThatNeedReopen() {
        RingSettings d = RingSettings.DEFAULTS;
        fx = new SwitchFixture(new RingSettings(d.ringSize(), 2048, d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold()), 2);
        InMemoryTapPort tap = fx.host(0);
        PortConfig config = fx.datapath.port("rsd0").orElseThrow().config();
        MacAddress mac = MacAddress.parse("02:aa:00:00:00:01");
        Ipv4Prefix ip = Ipv4Prefix.parse("10.9.0.1/24");
        PortInfo after = fx.datapath.updatePort(config.withMtu(1400).withMac(mac).withIpv4(ip)
                .withVlan(VlanConfig.access(10)));
        assertSame(tap, fx.provider.require("rsd0"), "no reopen");
        assertFalse(tap.isClosed());
        assertEquals(1400, tap.mtu());
        assertEquals(mac, tap.mac());
        assertEquals(ip, tap.ipv4());
        assertEquals(VlanConfig.access(10), after.config().vlan());
        assertEquals(0, after.number());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fx.datapath.updatePort(after.config().withPersistent(true)));
        assertEquals("port rsd0: changing persistent from false to true needs the TAP to be reopened; remove the port"
                + " and add it again with the new setting", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fx.datapath.updatePort(after.config().withVnetHdr(true)));
        e = assertThrows(IllegalArgumentException.class, () -> fx.datapath.updatePort(PortConfig.of("nope")));
        assertEquals("No such port nope", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fx.datapath.updatePort(after.config().withMtu(9000)));
        assertTrue(e.getMessage().startsWith("port rsd0: MTU 9000 needs slots of 9046 bytes, but frameSize is 2048"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fx.datapath.removePort("nope"));
        assertEquals("No such port nope", e.getMessage());
    }

    @Test
    void shouldRefuseDuplicatesAndLeaveNothingBehindWhenOpenFails() {
        fx = new SwitchFixture(SwitchFixture.settings(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fx.datapath.addPort(PortConfig.of("rsd0")));
        assertEquals("port rsd0 is already a switch port", e.getMessage());
        fx.provider.failNextOpen(new PortException.PermissionDenied("rsdz", "open(/dev/net/tun)", 1, "denied"));
        assertThrows(PortException.PermissionDenied.class, () -> fx.datapath.addPort(PortConfig.of("rsdz")));
        assertEquals(1, fx.datapath.ports().size());
        assertTrue(fx.datapath.addPort(PortConfig.of("rsdv").withVnetHdr(true)).config().vnetHdr(),
                "the datapath carries virtio-net headers");
        fx.datapath.removePort("rsdv");
        assertEquals(1, fx.datapath.addPort(PortConfig.of("rsd%d")).number());
        assertTrue(fx.datapath.port("rsd1").isPresent(), "pattern resolved to the kernel's name");
    }

    @Test
    void shouldKeepPortsOpenWhenTheRingIsRestartedByConfiguration() {
        fx = new SwitchFixture(SwitchFixture.settings(), 2);
        RingSettings d = RingSettings.DEFAULTS;
        fx.datapath.reconfigure(new RingSettings(256, 4096, 8, 16, WaitStrategyKind.SLEEPING,
                d.quiesceTimeoutMillis(), d.moduleFailureThreshold()));
        assertEquals(256, fx.datapath.status().ringSize());
        assertFalse(fx.host(0).isClosed());
        assertTrue(fx.host(0).inject(new byte[60]));
        assertEquals(1, fx.host(1).awaitEgress(1, WAIT).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fx.datapath.reconfigure(
                new RingSettings(256, 1024, 8, 16, WaitStrategyKind.SLEEPING, 2000, 100)));
        assertTrue(e.getMessage().startsWith("frameSize 1024 in ringswitch.datapath is too small for port rsd0"),
                e.getMessage());
        assertEquals(256, fx.datapath.status().ringSize());
    }
}
