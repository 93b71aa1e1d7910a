package dev.ringswitch.datapath.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code stallSentinels = auto} looks for a running kdamond that samples physical memory on a virtual machine; here
 * over copies of the kernel's files laid out as on the 2-CPU VMs of bench/README.md.
 */
class DamonSamplingTest {

    private static final String VM_FLAGS = "flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n";
    private static final String METAL_FLAGS = "flags\t\t: fpu vme de pse tsc msr lahf_lm\n";

    @TempDir
    Path root;

    @Test
    void findsAKdamondSamplingPhysicalMemoryOnAVirtualMachine() throws IOException {
        kdamond(0, "on", "paddr", "500000");
        assertEquals(Optional.of("DAMON (kdamond 0) samples physical memory every 500 ms on this virtual machine"),
                find(VM_FLAGS));
    }

    @Test
    void findsNothingOnBareMetal() throws IOException {
        kdamond(0, "on", "paddr", "500000");
        assertEquals(Optional.empty(), find(METAL_FLAGS));
    }

    @Test
    void findsNothingWhenTheKdamondIsOffOrWatchesVirtualAddresses() throws IOException {
        kdamond(0, "off", "paddr", "500000");
        kdamond(1, "on", "vaddr", "5000");
        assertEquals(Optional.empty(), find(VM_FLAGS));
        kdamond(2, "on", "paddr", "5000");
        assertEquals(Optional.of("DAMON (kdamond 2) samples physical memory every 5 ms on this virtual machine"),
                find(VM_FLAGS));
    }

    @Test
    void findsNothingWithoutDamon() throws IOException {
        assertEquals(Optional.empty(), find(VM_FLAGS), "no kdamonds directory");
        Files.createDirectories(root.resolve("kdamonds"));
        assertEquals(Optional.empty(), find(VM_FLAGS), "no kdamond");
    }

    @Test
    void findsNothingWhereTheFilesCannotBeRead() throws IOException {
        kdamond(0, "on", "paddr", "500000");
        assertEquals(Optional.empty(), DamonSampling.find(root.resolve("kdamonds"), root.resolve("no-cpuinfo")));
    }

    private Optional<String> find(String flags) throws IOException {
        Path cpuinfo = Files.writeString(root.resolve("cpuinfo"), "processor\t: 0\n" + flags + "\nprocessor\t: 1\n"
                + flags);
        return DamonSampling.find(root.resolve("kdamonds"), cpuinfo);
    }

    private void kdamond(int n, String state, String operations, String sampleMicros) throws IOException {
        Path kdamond = Files.createDirectories(root.resolve("kdamonds/" + n));
        Files.writeString(kdamond.resolve("state"), state + "\n");
        Path context = Files.createDirectories(kdamond.resolve("contexts/0/monitoring_attrs/intervals"))
                .getParent().getParent();
        Files.writeString(context.resolve("operations"), operations + "\n");
        Files.writeString(context.resolve("monitoring_attrs/intervals/sample_us"), sampleMicros + "\n");
        Files.writeString(root.resolve("kdamonds/nr_kdamonds"), Integer.toString(n + 1));
    }
}
