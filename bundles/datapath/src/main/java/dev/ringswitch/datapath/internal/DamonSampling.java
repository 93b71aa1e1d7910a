package dev.ringswitch.datapath.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds what makes {@code stallSentinels = auto} start the {@link StallSentinels}: this machine is a virtual machine
 * ({@code hypervisor} among the CPU flags) and the kernel samples its physical memory with DAMON (a kdamond whose
 * {@code state} is {@code on} with a context whose {@code operations} are {@code paddr}). That is the cause of the
 * stall measured in bench/README.md ("Stall sentinels"): each sampling pass clears accessed bits in the page tables
 * of every process, and the hypervisor then charges the next thread of the process to run on each CPU. On bare
 * metal the same pass costs the process nothing, and without DAMON there is no pass.
 *
 * <p>The DAMON sysfs files are readable by root only; elsewhere nothing is found and the sentinels stay off.
 */
final class DamonSampling {

    /** Where the kernel lists DAMON's monitoring threads. */
    static final Path KDAMONDS = Path.of("/sys/kernel/mm/damon/admin/kdamonds");

    private DamonSampling() {
    }

    /** @return what samples this machine's memory, as {@link #find(Path, Path)} says, from the kernel's files */
    static Optional<String> onThisMachine() {
        return find(KDAMONDS, VirtualMachine.CPUINFO);
    }

    /**
     * @param kdamonds the directory of DAMON's monitoring threads, one numbered directory each
     * @param cpuinfo the CPU description, whose {@code flags} lines name {@code hypervisor} on a virtual machine
     * @return e.g. "DAMON (kdamond 0) samples physical memory every 500 ms on this virtual machine", or empty if this
     *         is not a virtual machine, no kdamond runs, none samples physical memory, or the files cannot be read
     */
    static Optional<String> find(Path kdamonds, Path cpuinfo) {
        try {
            if (!VirtualMachine.detected(cpuinfo)) {
                return Optional.empty();
            }
            for (Path kdamond : numbered(kdamonds)) {
                if (!"on".equals(read(kdamond.resolve("state")))) {
                    continue;
                }
                for (Path context : numbered(kdamond.resolve("contexts"))) {
                    if ("paddr".equals(read(context.resolve("operations")))) {
                        return Optional.of("DAMON (kdamond " + kdamond.getFileName() + ") samples physical memory"
                                + every(context) + " on this virtual machine");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String every(Path context) {
        try {
            long micros = Long.parseLong(read(context.resolve("monitoring_attrs/intervals/sample_us")));
            return micros >= 1000 ? " every " + micros / 1000 + " ms" : " every " + micros + " us";
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    private static List<Path> numbered(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().matches("\\d+")).sorted().toList();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file).trim() : "";
    }
}
