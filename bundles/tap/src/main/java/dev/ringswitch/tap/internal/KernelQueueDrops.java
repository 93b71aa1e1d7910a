package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;
import dev.ringswitch.tap.internal.ffm.Linux;
import dev.ringswitch.tap.internal.ffm.TapControl;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a TAP interface's {@code tx_dropped}: frames the kernel sent towards the switch and dropped because the fd's
 * queue was full. The count belongs to the interface, in whatever network namespace it is now. Operators move TAPs
 * into containers' namespaces, and {@code /sys/class/net} shows only the namespace sysfs was mounted for, so there
 * the interface just disappears.
 *
 * <p>The device's namespace comes from its own fd ({@code TUNGETDEVNETNS}). In this process's namespace the count is
 * read from sysfs. In another one, a thread started for the purpose joins it ({@code setns} moves only the calling
 * thread) and reads {@code /proc/thread-self/net/dev}, which shows the calling thread's namespace, and then ends: no
 * thread that runs anything else ever sits in a foreign namespace. Control path only (statistics and metrics reads).
 */
final class KernelQueueDrops {

    /** Column of {@code /proc/net/dev} after the name: rx bytes..multicast (0-7), tx bytes, packets, errs, drop. */
    private static final int TX_DROP_COLUMN = 11;
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private KernelQueueDrops() {
    }

    /**
     * @param tunFd the device's {@code /dev/net/tun} fd
     * @param name the name the switch knows it by, for messages
     * @return the count, or {@link TapPort#UNKNOWN_COUNT} if the kernel would not tell (logged by the caller)
     * @throws dev.ringswitch.api.port.PortException if the fd refuses TUNGETIFF or TUNGETDEVNETNS
     */
    static long read(int tunFd, String name) throws IOException {
        String current;
        int netns;
        try (TapControl control = new TapControl(name, tunFd)) {
            current = control.currentName();
            netns = control.deviceNetns();
        }
        try {
            Path nsLink = Path.of("/proc/self/fd", Integer.toString(netns));
            if (Files.readSymbolicLink(nsLink).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")))) {
                Path file = Path.of("/sys/class/net", current, "statistics", "tx_dropped");
                return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
            return readInNamespace(netns, current);
        } finally {
            TapControl.closeFd(netns);
        }
    }

    private static long readInNamespace(int netns, String ifname) throws IOException {
        AtomicLong result = new AtomicLong(TapPort.UNKNOWN_COUNT);
        IOException[] failure = new IOException[1];
        Thread reader = Thread.ofPlatform().name("ringswitch-netns-reader").daemon().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = LibC.allocateErrnoState(arena);
                if (LibC.setns(errno, netns, Linux.CLONE_NEWNET) != 0) {
                    failure[0] = new IOException("setns(CLONE_NEWNET) failed: " + Errno.describe(LibC.errno(errno)));
                    return;
                }
                result.set(txDropped(Files.readAllLines(Path.of("/proc/thread-self/net/dev")), ifname));
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        try {
            reader.join(JOIN_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + ifname + "'s counters in its namespace", e);
        }
        if (reader.isAlive()) {
            throw new IOException("reading " + ifname + "'s counters in its namespace took over "
                    + JOIN_TIMEOUT_MILLIS + " ms");
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return result.get();
    }

    /**
     * @param procNetDev the lines of a {@code /proc/net/dev}
     * @param ifname an interface name
     * @return its transmit drops, or {@link TapPort#UNKNOWN_COUNT} if the file has no such interface
     */
    static long txDropped(List<String> procNetDev, String ifname) {
        for (String line : procNetDev) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.substring(0, colon).strip().equals(ifname)) {
                continue;
            }
            String[] columns = line.substring(colon + 1).strip().split("\\s+");
            return columns.length > TX_DROP_COLUMN ? Long.parseLong(columns[TX_DROP_COLUMN]) : TapPort.UNKNOWN_COUNT;
        }
        return TapPort.UNKNOWN_COUNT;
    }
}
