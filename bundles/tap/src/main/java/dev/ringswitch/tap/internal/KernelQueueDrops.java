package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Netns;
import dev.ringswitch.tap.internal.ffm.TapControl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a TAP interface's {@code tx_dropped}: frames the kernel sent towards the switch and dropped because the fd's
 * queue was full. The count belongs to the interface, in whatever network namespace it is now. Operators move TAPs
 * into containers' namespaces, and {@code /sys/class/net} shows only the namespace sysfs was mounted for, so there
 * the interface just disappears.
 *
 * <p>The device's namespace comes from its own fd ({@code TUNGETDEVNETNS}). In this process's namespace the count is
 * read from sysfs; in another one, from {@code /proc/thread-self/net/dev} on a thread that joined it ({@link Netns}).
 * Control path only (statistics and metrics reads).
 */
final class KernelQueueDrops {

    /** Column of {@code /proc/net/dev} after the name: rx bytes..multicast (0-7), tx bytes, packets, errs, drop. */
    private static final int TX_DROP_COLUMN = 11;

    private KernelQueueDrops() {
    }

    /**
     * @param tunFd the device's {@code /dev/net/tun} fd
     * @param name the name the switch knows it by, for messages
     * @return the count, or {@link TapPort#UNKNOWN_COUNT} if the namespace has no such interface
     * @throws IOException if the namespace cannot be joined or the counters not read
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
            if (Netns.isOurs(netns)) {
                Path file = Path.of("/sys/class/net", current, "statistics", "tx_dropped");
                return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            }
            return Netns.callIn(netns, current + ": counters in its network namespace",
                    () -> txDropped(Files.readAllLines(Path.of("/proc/thread-self/net/dev")), current));
        } finally {
            TapControl.closeFd(netns);
        }
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
