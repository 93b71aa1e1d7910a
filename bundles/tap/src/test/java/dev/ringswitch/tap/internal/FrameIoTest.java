package dev.ringswitch.tap.internal;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.support.Frames;
import dev.ringswitch.tap.internal.support.LinuxNet;
import dev.ringswitch.tap.internal.support.OneTap;
import dev.ringswitch.tap.internal.support.PacketSocket;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Frames through a real TAP, checked from the kernel's side with an AF_PACKET socket bound to the interface:
 * what the port writes the kernel receives, what the kernel sends the port reads, byte for byte, without allocating.
 */
class FrameIoTest {

    private static final String NAME = "rst-f0";
    private static final long TIMEOUT_MILLIS = 5_000;
    private static final long PORT_MAC = 0x02_52_53_00_00_f0L;
    private static final long PEER_MAC = 0x02_52_53_00_00_f1L;

    private OneTap tap;
    private TapPortProvider provider;
    private Arena arena;
    private TapPort port;

    @BeforeEach
    void setUp() {
        Privileges.requireRoot("TAP frame I/O tests");
        tap = new OneTap(NAME, PORT_MAC);
        provider = tap.provider;
        arena = tap.arena;
        port = tap.port;
    }

    @AfterEach
    void tearDown() {
        if (tap != null) {
            tap.close();
        }
    }

    @Test
    void shouldDeliverAWrittenFrameToTheKernel() {
        byte[] frame = Frames.experimental(MacAddress.BROADCAST.bits(), PEER_MAC, 96);
        MemorySegment buffer = arena.allocate(2048);
        // Write from the middle of the buffer: the offset must be honoured.
        MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 100, frame.length);

        try (PacketSocket kernelSide = new PacketSocket(port.ifIndex())) {
            assertEquals(frame.length, port.write(buffer, 100, frame.length));

            byte[] captured = kernelSide.receive(Frames.sameMarker(frame), TIMEOUT_MILLIS);
            assertNotNull(captured, "the kernel did not see the frame within " + TIMEOUT_MILLIS + " ms");
            assertArrayEquals(frame, captured);
        }
    }

    @Test
    void shouldReadAFrameTheKernelSendsByteIdentical() {
        byte[] frame = Frames.experimental(PORT_MAC, PEER_MAC, 300);
        MemorySegment buffer = arena.allocate(4096);

        try (PacketSocket kernelSide = new PacketSocket(port.ifIndex());
             ReadinessSelector selector = provider.openSelector()) {
            selector.register(port, 3);
            LinuxNet.awaitOperational(NAME, TIMEOUT_MILLIS);
            kernelSide.send(frame);

            byte[] read = readMatching(selector, buffer, 64, Frames.sameMarker(frame));
            assertArrayEquals(frame, read);
            assertEquals(0, buffer.get(JAVA_BYTE, 63), "nothing written before the offset");
        }
    }

    @Test
    void shouldReturnWouldBlockWhenNoFrameIsQueued() {
        MemorySegment buffer = arena.allocate(2048);
        // Drain whatever the kernel queued when the link came up (IPv6 router solicitations and the like).
        int drained = 0;
        while (port.read(buffer, 0, 2048) != TapPort.WOULD_BLOCK) {
            drained++;
        }
        assertTrue(drained < 1000, "the queue drains");
        assertEquals(TapPort.WOULD_BLOCK, port.read(buffer, 0, 2048));
    }

    @Test
    void shouldRefuseBuffersTheKernelMustNotTouch() {
        MemorySegment buffer = arena.allocate(64);
        assertThrows(IndexOutOfBoundsException.class, () -> port.read(buffer, 32, 64));
        assertThrows(IndexOutOfBoundsException.class, () -> port.write(buffer, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> port.read(MemorySegment.ofArray(new byte[64]), 0, 64));
        assertThrows(IllegalArgumentException.class, () -> port.read(buffer.asReadOnly(), 0, 64));
    }

    @Test
    void shouldNotAllocateOnTheFrameIoPath() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] frame = Frames.experimental(MacAddress.BROADCAST.bits(), PEER_MAC, 64);
        MemorySegment buffer = arena.allocate(2048);
        MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, frame.length);
        // Warm up until the I/O path is compiled, then count what one thread allocates over many frames.
        long sink = exercise(buffer, frame.length, 200_000);
        long before = threads.getCurrentThreadAllocatedBytes();
        sink += exercise(buffer, frame.length, 100_000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(sink != 0);
        // 100,000 writes and reads: even one 16-byte object per call would be 3 MB.
        assertTrue(allocated < 1024, "the frame I/O path allocated " + allocated + " bytes for 100,000 frames");
    }

    private long exercise(MemorySegment buffer, int length, int frames) {
        long sum = 0;
        for (int i = 0; i < frames; i++) {
            sum += port.write(buffer, 0, length);
            sum += port.read(buffer, 1024, 1024);
        }
        return sum;
    }

    private byte[] readMatching(ReadinessSelector selector, MemorySegment buffer, long offset,
                                Predicate<byte[]> match) {
        int[] tokens = new int[8];
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            int ready = selector.select(tokens, (int) TIMEOUT_MILLIS);
            for (int i = 0; i < ready; i++) {
                assertEquals(3, tokens[i], "only the registered token");
                int n;
                while ((n = port.read(buffer, offset, (int) (buffer.byteSize() - offset))) != TapPort.WOULD_BLOCK) {
                    byte[] frame = buffer.asSlice(offset, n).toArray(JAVA_BYTE);
                    if (match.test(frame)) {
                        return frame;
                    }
                }
            }
        }
        return fail("the port did not read the frame within " + TIMEOUT_MILLIS + " ms");
    }
}
