package dev.ringswitch.tap.internal;

import dev.ringswitch.tap.internal.ffm.LibC;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Collapsing this test JVM's own anonymous memory into huge pages, on the real kernel. */
class HugePageCollapseTest {

    private static final long MIB = 1L << 20;
    private static final long LENGTH = 8 * MIB;

    @Test
    void onlyPrivateWritableAnonymousMappingsWithAWhole2MiBStretchAreCandidates() {
        List<long[]> ranges = HugePageCollapse.candidates(List.of(
                "7f0000000000-7f0000600000 rw-p 00000000 00:00 0 ",
                "7f0000600000-7f0000700000 rw-p 00000000 00:00 0 ",
                "7f0000700000-7f0000b00000 rw-s 00000000 00:0f 1234                       anon_inode:[io_uring]",
                "7f0000b00000-7f0001000000 r-xp 00000000 08:01 5678                       /usr/lib/libjvm.so",
                "7f0001000000-7f0001400000 rw-p 00000000 00:00 0                          [stack]",
                "7f0001400000-7f0001800000 ---p 00000000 00:00 0 ",
                "55d000000000-55d000500000 rw-p 00000000 00:00 0                          [heap]",
                "7f0001980000-7f0001b80000 rw-p 00000000 00:00 0 "));

        assertEquals(List.of("7f0000000000-7f0000600000", "55d000000000-55d000500000"),
                ranges.stream().map(r -> Long.toHexString(r[0]) + "-" + Long.toHexString(r[1])).toList());
    }

    @Test
    void aMappingInUseIsCollapsedAndOneMostlyEmptyIsLeftAlone() throws IOException {
        assumeFalse(Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).contains("[never]"),
                "transparent huge pages are disabled on this machine ([never]): nothing can be collapsed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibC.allocateErrnoState(arena);
            long dense = map(state, 0);
            // MAP_NORESERVE keeps the kernel from merging the two into one mapping, whose figures would mix.
            long sparse = map(state, 0x4000);
            try {
                MemorySegment d = MemorySegment.ofAddress(dense).reinterpret(LENGTH);
                d.fill((byte) 1);
                MemorySegment s = MemorySegment.ofAddress(sparse).reinterpret(LENGTH);
                for (long at = 0; at < LENGTH; at += 2 * MIB) {
                    s.set(ValueLayout.JAVA_BYTE, at, (byte) 1);
                }
                long denseBefore = anonHugeKiB(dense);
                long sparseBefore = anonHugeKiB(sparse);

                HugePageCollapse.Result r = HugePageCollapse.collapse(
                        List.of(new long[] {dense, dense + LENGTH}, new long[] {sparse, sparse + LENGTH}));

                // An 8 MiB mapping holds three whole 2 MiB stretches, four if it happens to be aligned.
                assertTrue(r.huge() >= 6 * MIB, "collapsed: " + r);
                assertTrue(r.sparse() >= 6 * MIB, "left alone as mostly empty: " + r);
                assertEquals(0, r.refused(), "refused by the kernel: " + r);
                assertTrue(anonHugeKiB(dense) - denseBefore >= 6 * 1024, "AnonHugePages of the mapping in use: "
                        + denseBefore + " kB before, " + anonHugeKiB(dense) + " kB after");
                assertEquals(sparseBefore, anonHugeKiB(sparse), "AnonHugePages of the mostly empty mapping");
                for (long at = 0; at < LENGTH; at += 4096) {
                    if (d.get(ValueLayout.JAVA_BYTE, at) != 1) {
                        throw new AssertionError("collapsing changed memory at offset " + at);
                    }
                }
            } finally {
                LibC.munmap(state, dense, LENGTH);
                LibC.munmap(state, sparse, LENGTH);
            }
        }
    }

    @Test
    void thisProcessHasCandidatesAndAPassReportsThem() throws IOException {
        // The test JVM's own mappings: malloc arenas at least. What the pass does with them depends on the JVM.
        List<long[]> ranges = HugePageCollapse.candidates(Files.readAllLines(Path.of("/proc/self/maps")));
        assertTrue(ranges.size() > 0, "no private anonymous mapping of 2 MiB or more in this JVM");
        HugePageCollapse.Result r = HugePageCollapse.collapse();
        assertTrue(r.huge() + r.refused() + r.sparse() > 0, "a pass over this JVM looked at nothing: " + r);
    }

    private static long map(MemorySegment state, int moreFlags) {
        long address = LibC.mmap(state, LENGTH, 3 /* PROT_READ | PROT_WRITE */,
                0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */ | moreFlags, -1, 0);
        if (address == -1) {
            throw new AssertionError("mmap failed: errno " + LibC.errno(state));
        }
        return address;
    }

    /** @return AnonHugePages of the mapping that holds an address, from /proc/self/smaps */
    private static long anonHugeKiB(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.parseUnsignedLong(range[0], 16) <= address
                        && address < Long.parseUnsignedLong(range[1], 16);
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds " + Long.toHexString(address));
    }
}
