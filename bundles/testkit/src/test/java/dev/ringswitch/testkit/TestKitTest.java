package dev.ringswitch.testkit;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ringswitch.testkit.FrameBuilder.ip;
import static dev.ringswitch.testkit.FrameBuilder.mac;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestKitTest {

    @Test
    void shouldBuildTaggedUdpFrameWithValidChecksums() {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = FrameBuilder.ethernet().destination("02:00:00:00:00:02").source("02:00:00:00:00:01")
                .vlan(10, 5).ipv4Udp(ip("10.0.0.1"), ip("10.0.0.2"), 4000, 5000, data).build();
        assertEquals(0x0200_0000_0002L, Frames.destination(frame));
        assertEquals(0x0200_0000_0001L, Frames.source(frame));
        assertEquals(10, Frames.outerVid(frame));
        assertEquals(5 << 13 | 10, Frames.outerTci(frame));
        assertEquals(FrameBuilder.ETHERTYPE_IPV4, Frames.innerEtherType(frame));
        assertArrayEquals(data, Frames.udpPayload(frame));
        // A correct header sums to zero, checksum field included.
        assertEquals(0, FrameBuilder.checksum(frame, 18, 20, 0));
        assertArrayEquals(Frames.udpPayload(frame), Frames.udpPayload(Frames.untagged(frame)));
    }

    @Test
    void shouldBuildArpAndPadToMinimum() {
        byte[] arp = FrameBuilder.ethernet().arpRequest(mac("02:00:00:00:00:01"), ip("10.0.0.1"), ip("10.0.0.2"))
                .build();
        assertEquals(FrameBuilder.MIN_LENGTH, arp.length);
        assertEquals(0xFFFF_FFFF_FFFFL, Frames.destination(arp));
        assertEquals(FrameBuilder.ETHERTYPE_ARP, Frames.u16(arp, 12));
        assertEquals(1, Frames.u16(arp, 20));
        assertEquals(64, FrameBuilder.ethernet().length(64).build().length);
        assertEquals(1500, FrameBuilder.ethernet().vlan(3).length(1500).build().length);
    }

    @Test
    void shouldWrapBytesIntoRingSlotFrame() {
        byte[] bytes = FrameBuilder.ethernet().source("02:00:00:00:00:07").build();
        Frame frame = FrameBuilder.frameOf(bytes, 3);
        assertEquals(3, frame.ingressPort());
        assertEquals(0x0200_0000_0007L, frame.source());
        frame.pushTag(0x0064);
        assertEquals(100, Frames.outerVid(FrameBuilder.bytesOf(frame)));
        frame.popTag();
        assertArrayEquals(bytes, FrameBuilder.bytesOf(frame));
    }

    @Test
    void shouldCarryFramesBothWaysAndWakeSelector() throws Exception {
        InMemoryPortProvider provider = new InMemoryPortProvider(4, 2048);
        TapPort port = provider.open(PortConfig.of("mem%d"));
        assertEquals("mem0", port.name());
        InMemoryTapPort host = provider.require("mem0");
        try (ReadinessSelector selector = provider.openSelector()) {
            selector.register(port, 7);
            int[] ready = new int[4];
            assertEquals(0, selector.select(ready, 0));
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> selector.select(ready, -1));
            byte[] frame = FrameBuilder.ethernet().length(100).build();
            assertTrue(host.inject(frame));
            assertEquals(1, waiting.get(5, TimeUnit.SECONDS));
            assertEquals(7, ready[0]);

            MemorySegment buffer = Arena.ofAuto().allocate(2048);
            assertEquals(100, port.read(buffer, 8, 2040));
            assertEquals(TapPort.WOULD_BLOCK, port.read(buffer, 8, 2040));
            assertEquals(100, port.write(buffer, 8, 100));
            assertArrayEquals(frame, host.awaitEgress(1, Duration.ofSeconds(5)).getFirst());
            assertNull(host.pollEgress());

            CompletableFuture<Integer> woken = CompletableFuture.supplyAsync(() -> selector.select(ready, -1));
            selector.wakeup();
            assertEquals(0, woken.get(5, TimeUnit.SECONDS));
        }
        port.setUp(false);
        assertThrows(PortException.class, () -> port.write(MemorySegment.ofArray(new byte[60]), 0, 60));
        assertFalse(host.inject(new byte[60]));
        port.close();
        assertThrows(PortException.class, () -> port.read(MemorySegment.ofArray(new byte[60]), 0, 60));
        assertThrows(PortException.NameInUse.class, () -> {
            provider.open(PortConfig.of("other"));
            provider.open(PortConfig.of("other"));
        });
    }

    @Test
    void shouldRefuseWhenQueueFull() {
        OffHeapFrameQueue queue = new OffHeapFrameQueue(3, 64, Arena.ofAuto());
        assertEquals(4, queue.capacity());
        for (int i = 0; i < 4; i++) {
            assertTrue(queue.offer(new byte[] {(byte) i}));
        }
        assertFalse(queue.offer(new byte[1]));
        assertEquals(1, queue.dropped());
        assertArrayEquals(new byte[] {0}, queue.poll());
        assertEquals(3, queue.size());
    }
}
