package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.testkit.FrameBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The virtio-net header as the datapath carries it: loaded and stored in the host's order, moved with pushed tags,
 * and a partial checksum completed in software exactly as the receiving stack would compute it.
 */
class VnetHeaderTest {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final int UDP_CHECKSUM = 14 + 20 + 6;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void shouldMoveChecksumStartAndHeaderLengthWithTheFrontOfTheFrame() {
        MemorySegment memory = arena.allocate(64);
        writeHeader(memory, 0, VnetHeader.F_NEEDS_CSUM, 1, 66, 1448, 34, 16);
        VnetHeader h = new VnetHeader();
        h.load(memory, 0);
        assertTrue(h.isGso());
        assertTrue(h.needsChecksum());

        h.store(memory, 20, 4);
        assertEquals(VnetHeader.F_NEEDS_CSUM, memory.get(ValueLayout.JAVA_BYTE, 20));
        assertEquals(1, memory.get(ValueLayout.JAVA_BYTE, 21));
        assertEquals(70, memory.get(SHORT, 22), "hdr_len covers the tag");
        assertEquals(1448, memory.get(SHORT, 24));
        assertEquals(38, memory.get(SHORT, 26), "csum_start moved behind the tag");
        assertEquals(16, memory.get(SHORT, 28));

        writeHeader(memory, 0, 0, 0, 0, 0, 0, 0);
        h.load(memory, 0);
        h.store(memory, 20, -4);
        assertEquals(0, memory.get(SHORT, 22), "no hint stays no hint");
        assertEquals(0, memory.get(SHORT, 26), "no partial checksum: nothing to move");
        assertFalse(h.isGso());
        assertFalse(h.needsChecksum());
    }

    @Test
    void shouldCompleteAPartialChecksumAsTheStackWould() {
        for (int shift : new int[] {0, 4}) {
            byte[] full = FrameBuilder.ethernet().ipv4Udp(FrameBuilder.ip("10.0.0.1"), FrameBuilder.ip("10.0.0.2"),
                    4000, 5000, new byte[37]).build();
            int expected = ((full[UDP_CHECKSUM] & 0xFF) << 8) | (full[UDP_CHECKSUM + 1] & 0xFF);
            FrameBuffer b = new FrameBuffer(arena.allocate(2048));
            Frame f = b.frame;
            MemorySegment.copy(full, 0, f.buffer(), ValueLayout.JAVA_BYTE, Frame.readOffset(), full.length);
            f.reset(0, full.length);
            // What a sender with checksum offload leaves: the folded pseudo-header sum, not inverted.
            int udpLength = full.length - 34;
            long pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + udpLength;
            f.setShort(UDP_CHECKSUM, (int) pseudo);
            MemorySegment raw = arena.allocate(VnetHeader.LENGTH);
            writeHeader(raw, 0, VnetHeader.F_NEEDS_CSUM, 0, 0, 0, 34, 6);
            b.vnet.load(raw, 0);
            if (shift == 4) {
                f.pushTag(0x0064);
            }

            assertTrue(b.vnet.completeChecksum(f, b.shift()));
            assertEquals(expected, f.getShort(UDP_CHECKSUM + shift), "shift " + shift);
            assertFalse(b.vnet.needsChecksum(), "the header says the checksum is complete now");
        }
    }

    @Test
    void shouldRefuseAChecksumPositionOutsideTheFrame() {
        FrameBuffer b = new FrameBuffer(arena.allocate(2048));
        b.frame.reset(0, 60);
        MemorySegment raw = arena.allocate(VnetHeader.LENGTH);
        writeHeader(raw, 0, VnetHeader.F_NEEDS_CSUM, 0, 0, 0, 50, 16);
        b.vnet.load(raw, 0);
        assertFalse(b.vnet.completeChecksum(b.frame, 0));
    }

    private static void writeHeader(MemorySegment m, long at, int flags, int gsoType, int hdrLen, int gsoSize,
                                    int csumStart, int csumOffset) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) flags);
        m.set(ValueLayout.JAVA_BYTE, at + 1, (byte) gsoType);
        m.set(SHORT, at + 2, (short) hdrLen);
        m.set(SHORT, at + 4, (short) gsoSize);
        m.set(SHORT, at + 6, (short) csumStart);
        m.set(SHORT, at + 8, (short) csumOffset);
    }
}
