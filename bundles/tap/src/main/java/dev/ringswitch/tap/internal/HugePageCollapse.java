package dev.ringswitch.tap.internal;

import dev.ringswitch.tap.internal.ffm.LibC;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the kernel to map this process's private anonymous memory with 2 MiB pages where it maps it with 4 KiB ones
 * ({@code madvise(MADV_COLLAPSE)}, Linux 6.1), one 2 MiB stretch at a time.
 *
 * <p>Why: where the hypervisor samples a guest's memory (DAMON on a paravirtualised VM), each pass costs the next
 * run of a process in proportion to the memory it maps in small pages. The JVM's heap and code cache are huge pages
 * already ({@code -XX:+UseTransparentHugePages}); its metaspace and glibc's malloc arenas are not, and the JVM has no
 * switch for them. See bench/README.md, "Latest runs".
 *
 * <p>What it leaves alone: file mappings (libjvm's text: this kernel cannot collapse those for an ordinary file
 * system), shared mappings (io_uring rings), the main thread's {@code [stack]}, and stretches less than half in use
 * (the other threads' stacks, which are plain anonymous mappings, mostly): collapsing fills a whole 2 MiB page, and a
 * mostly empty reservation would grow by the rest. A stretch already huge costs one cheap call.
 * Stretches the kernel refuses (a mapping not eligible, pages pinned, no free huge page) are skipped and counted.
 *
 * <p>Thread-safety: one call at a time (callers serialise); it allocates a little per call, which is fine for a
 * control thread every few seconds and never on the datapath.
 */
final class HugePageCollapse {

    static final long HUGE = 2L << 20;
    private static final long SMALL = 4096;
    private static final long SYS_MINCORE = 27;
    private static final long SYS_MADVISE = 28;
    private static final long MADV_COLLAPSE = 25;
    private static final Path MAPS = Path.of("/proc/self/maps");

    /** What one pass did, in bytes. */
    record Result(long huge, long refused, long sparse) {
    }

    private HugePageCollapse() {
    }

    /**
     * @return what this pass found and did
     * @throws IOException if {@code /proc/self/maps} cannot be read
     */
    static Result collapse() throws IOException {
        return collapse(candidates(Files.readAllLines(MAPS)));
    }

    /**
     * @param ranges {start, end} of each mapping to look at
     * @return what this pass found and did
     */
    static Result collapse(List<long[]> ranges) {
        long huge = 0;
        long refused = 0;
        long sparse = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = LibC.allocateErrnoState(arena);
            MemorySegment residency = arena.allocate(HUGE / SMALL);
            for (long[] range : ranges) {
                for (long at = alignUp(range[0]); at + HUGE <= range[1]; at += HUGE) {
                    if (LibC.syscall(state, SYS_MINCORE, at, HUGE, residency.address(), 0, 0, 0) != 0) {
                        // Unmapped meanwhile.
                        continue;
                    }
                    if (resident(residency) < HUGE / SMALL / 2) {
                        sparse += HUGE;
                    } else if (LibC.syscall(state, SYS_MADVISE, at, HUGE, MADV_COLLAPSE, 0, 0, 0) == 0) {
                        huge += HUGE;
                    } else {
                        refused += HUGE;
                    }
                }
            }
        }
        return new Result(huge, refused, sparse);
    }

    /**
     * @param maps the lines of {@code /proc/self/maps}
     * @return {start, end} of each private, writable, anonymous mapping with at least one whole 2 MiB stretch
     */
    static List<long[]> candidates(List<String> maps) {
        List<long[]> ranges = new ArrayList<>();
        for (String line : maps) {
            // start-end perms offset dev inode [path]
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 5 || !fields[1].equals("rw-p") || !fields[4].equals("0")) {
                continue;
            }
            if (fields.length > 5 && !fields[5].equals("[heap]")) {
                continue;
            }
            int dash = fields[0].indexOf('-');
            long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
            if (alignUp(start) + HUGE <= end) {
                ranges.add(new long[] {start, end});
            }
        }
        return ranges;
    }

    private static long alignUp(long address) {
        return (address + HUGE - 1) & -HUGE;
    }

    private static int resident(MemorySegment residency) {
        int pages = 0;
        for (long i = 0; i < residency.byteSize(); i++) {
            pages += residency.get(ValueLayout.JAVA_BYTE, i) & 1;
        }
        return pages;
    }
}
