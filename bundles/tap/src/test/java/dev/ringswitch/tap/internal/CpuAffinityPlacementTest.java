package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.ThreadPlacement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TAP provider's thread placement moves the calling thread with {@code sched_setaffinity} (no privilege needed),
 * read back from /proc, and a move allocates nothing: the worker makes them between bursts.
 */
class CpuAffinityPlacementTest {

    private static final Path SELF = Path.of("/proc/thread-self/status");

    @Test
    void shouldBindTheThreadAndReleaseItToTheCpusItHad() throws Exception {
        String before = cpusAllowed();
        TapPortProvider provider = new TapPortProvider();
        BitSet allowed = provider.allowedCpus();
        int last = allowed.length() - 1;
        try (ThreadPlacement placement = provider.openThreadPlacement()) {
            assertTrue(placement.bind(last));
            assertEquals(Integer.toString(last), cpusAllowed(), "bound to CPU " + last);
            assertTrue(placement.release());
            assertEquals(before, cpusAllowed(), "released to the CPUs it had");
            assertTrue(placement.bind(allowed.nextSetBit(0)));
            assertEquals(Integer.toString(allowed.nextSetBit(0)), cpusAllowed(), "bound again, elsewhere");
            placement.release();
        }
        assertEquals(before, cpusAllowed());
    }

    @Test
    void shouldSayWhichCpusMayBeUsedWhenTheKernelRefuses() {
        TapPortProvider provider = new TapPortProvider();
        BitSet allowed = provider.allowedCpus();
        // One past the last CPU this process may use: offline, absent or outside its cpuset.
        int absent = allowed.length();
        try (ThreadPlacement placement = provider.openThreadPlacement()) {
            PortException e = assertThrows(PortException.class, () -> placement.bind(absent));
            assertEquals(Thread.currentThread().getName() + ": cannot be bound to CPU " + absent + ": EINVAL"
                    + " (Invalid argument) (the CPU is offline or outside this process's cpuset; choose one of "
                    + allowed + ")", e.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> placement.bind(1024));
            assertEquals("CPU 1024 is outside 0..1023", range.getMessage());
        }
    }

    @Test
    void shouldNotAllocateToMoveTheThread() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TapPortProvider provider = new TapPortProvider();
        int last = provider.allowedCpus().length() - 1;
        try (ThreadPlacement placement = provider.openThreadPlacement()) {
            // Warm up with many short calls, so that the JIT compiles moves() itself (see IoUringBatchTest).
            for (int i = 0; i < 2_000; i++) {
                moves(placement, last, 10);
            }
            // Steady state: the least of up to a hundred measurements (a call that starts before the JIT has
            // installed its code allocates in the profiling tier; on a loaded CI machine nine of ten did); an
            // allocation on the path shows in every one.
            List<Long> measured = new ArrayList<>();
            long least = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 100 && least >= 4096; attempt++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                moves(placement, last, 1_000);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                measured.add(allocated);
                least = Math.min(least, allocated);
            }
            // 2,000 moves: one 16-byte object per move would be 32 KB.
            assertTrue(least < 4096, "moving the thread allocated in every measurement: " + measured + " bytes");
        }
    }

    private static void moves(ThreadPlacement placement, int cpu, int rounds) {
        for (int i = 0; i < rounds; i++) {
            placement.bind(cpu);
            placement.release();
        }
    }

    private static String cpusAllowed() throws IOException {
        return Files.readAllLines(SELF).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring("Cpus_allowed_list:".length()).strip()).findFirst().orElseThrow();
    }
}
