package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.TapPort;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider's loopback pair (the datapath's probe port): what is written to one end is read whole from the other,
 * one frame per write, without blocking, through the same read and write calls as a TAP; no interface appears; both
 * ends close. Needs no privileges.
 */
class LoopbackPairTest {

    @Test
    void framesWrittenToOneEndAreReadWholeFromTheOther_andNothingElse() throws Exception {
        TapPortProvider provider = new TapPortProvider();
        provider.activate();
        long interfacesBefore = interfaces();
        TapPort[] pair = provider.openLoopbackPair();
        try (Arena arena = Arena.ofConfined()) {
            assertEquals("rs-probe-r", pair[0].name());
            assertEquals("rs-probe-w", pair[1].name());
            assertFalse(pair[0].vnetHdr(), "frames without virtio-net header");
            assertEquals(interfacesBefore, interfaces(), "a loopback pair is no interface");

            MemorySegment out = arena.allocate(128);
            for (int i = 0; i < 60; i++) {
                out.set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            assertEquals(60, pair[1].write(out, 0, 60));
            assertEquals(42, pair[1].write(out, 0, 42));

            MemorySegment in = arena.allocate(2048);
            assertEquals(60, pair[0].read(in, 0, 2048), "the first frame, whole");
            assertArrayEquals(out.asSlice(0, 60).toArray(ValueLayout.JAVA_BYTE),
                    in.asSlice(0, 60).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(42, pair[0].read(in, 0, 2048), "the second, not merged with the first");
            assertEquals(TapPort.WOULD_BLOCK, pair[0].read(in, 0, 2048), "then nothing, without blocking");
        } finally {
            pair[0].close();
            pair[1].close();
            pair[0].close();
            provider.deactivate();
        }
        assertTrue(pair[0].isClosed() && pair[1].isClosed());
    }

    @Test
    void aBatchOfReadsOnAnEmptyPair_saysWouldBlock() throws Exception {
        TapPortProvider provider = new TapPortProvider();
        provider.activate();
        TapPort[] pair = provider.openLoopbackPair();
        try (Arena arena = Arena.ofConfined(); var batch = provider.openBatch(4)) {
            MemorySegment in = arena.allocate(4096);
            batch.addRead(pair[0], in, 0, 2048);
            batch.addRead(pair[0], in, 2048, 2048);
            CompletableFuture<Void> done = CompletableFuture.runAsync(batch::submit);
            done.get(5, TimeUnit.SECONDS);
            assertEquals(TapPort.WOULD_BLOCK, batch.result(0));
        } finally {
            pair[0].close();
            pair[1].close();
            provider.deactivate();
        }
    }

    private static long interfaces() throws Exception {
        try (var names = Files.list(Path.of("/sys/class/net"))) {
            return names.count();
        }
    }
}
