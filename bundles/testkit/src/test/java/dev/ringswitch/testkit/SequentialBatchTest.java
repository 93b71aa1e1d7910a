package dev.ringswitch.testkit;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortIoBatch;
import dev.ringswitch.api.port.TapPort;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider-neutral batch ({@link PortIoBatch#sequential}, what {@code PortProvider.openBatch} gives by default):
 * operations run in queue order at submit, results by index, a failure keeps its errno and does not stop the rest.
 */
class SequentialBatchTest {

    @Test
    void shouldRunQueuedOperationsInOrderAndReportEachOutcome() {
        InMemoryPortProvider provider = new InMemoryPortProvider();
        TapPort a = provider.open(PortConfig.of("a"));
        TapPort down = provider.open(PortConfig.of("down").withUp(false));
        provider.require("a").inject(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
        try (Arena arena = Arena.ofConfined(); PortIoBatch batch = provider.openBatch(4)) {
            MemorySegment buffer = arena.allocate(4096);
            buffer.asSlice(2048, 3).copyFrom(MemorySegment.ofArray(new byte[] {7, 8, 9}));
            assertEquals(0, batch.addRead(a, buffer, 0, 1024));
            assertEquals(1, batch.addRead(a, buffer, 1024, 1024));
            assertEquals(2, batch.addWrite(down, buffer, 2048, 3));
            assertEquals(3, batch.addWrite(a, buffer, 2048, 3));
            assertThrows(IllegalStateException.class, () -> batch.addWrite(a, buffer, 0, 1));
            assertEquals(4, batch.pending());
            assertEquals(0, provider.require("a").egressFrames(), "nothing runs before submit");

            batch.submit();

            assertEquals(0, batch.pending());
            assertEquals(15, batch.result(0));
            assertEquals(5, buffer.get(JAVA_BYTE, 4));
            assertEquals(TapPort.WOULD_BLOCK, batch.result(1), "the queue was empty by then");
            assertEquals(PortIoBatch.FAILED, batch.result(2));
            assertEquals(5, batch.failure(2).errno(), "EIO: the link is down");
            assertEquals(3, batch.result(3), "a failure does not stop the operations after it");
            List<byte[]> sent = provider.require("a").awaitEgress(1, Duration.ofSeconds(1));
            assertArrayEquals(new byte[] {7, 8, 9}, sent.getFirst());

            batch.addRead(a, buffer, 0, 1024);
            assertEquals(1, batch.pending(), "an add after submit starts a new batch");
            assertTrue(batch.mechanism().contains("syscall"), batch.mechanism());
        }
    }
}
