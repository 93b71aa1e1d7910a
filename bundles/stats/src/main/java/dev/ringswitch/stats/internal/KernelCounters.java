package dev.ringswitch.stats.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counters only the kernel has. When the ring is full the ingress thread stops reading and frames wait in the TAP's
 * kernel queue; when that overflows, the TUN driver drops them and counts them as the interface's {@code tx_dropped}
 * (transmitted by the kernel towards the switch, never delivered). That is the switch's {@code ring_full} rx drop.
 */
@FunctionalInterface
interface KernelCounters {

    /** Returned when the kernel has no counter for the name (no such interface, not Linux, in-memory ports). */
    long UNKNOWN = -1;

    /**
     * @param port an interface name
     * @return frames the kernel dropped on their way to the switch, or {@link #UNKNOWN}
     */
    long rxQueueDrops(String port);

    /** @return counters read from {@code /sys/class/net/<port>/statistics/tx_dropped} */
    static KernelCounters sysfs() {
        return port -> {
            // Port names never contain '/' (PortNames), so the path cannot leave /sys/class/net.
            Path file = Path.of("/sys/class/net", port, "statistics", "tx_dropped");
            try {
                return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim());
            } catch (IOException | NumberFormatException e) {
                return UNKNOWN;
            }
        };
    }
}
