package dev.ringswitch.datapath.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whether this machine is a virtual machine: {@code hypervisor} among the CPU flags (the CPUID bit every hypervisor
 * sets for its guests). Several {@code auto} settings depend on it, because a virtual CPU is dearer to wake and to
 * page-fault than a real one.
 */
final class VirtualMachine {

    /** Where the CPU flags are listed. */
    static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private VirtualMachine() {
    }

    /** @return whether the kernel's CPU flags name a hypervisor; false if they cannot be read */
    static boolean detected() {
        return detected(CPUINFO);
    }

    /**
     * @param cpuinfo the CPU description, whose {@code flags} lines name {@code hypervisor} on a virtual machine
     * @return whether they do; false if the file cannot be read
     */
    static boolean detected(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("flags")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .anyMatch(flags -> List.of(flags.split("\\s+")).contains("hypervisor"));
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return false;
        }
    }
}
