package dev.ringswitch.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gate for tests that need root (CAP_NET_ADMIN): TAP devices, network namespaces.
 *
 * <p>Outside CI a non-root run skips such tests with a message saying why. With {@code CI=true} a skip would hide a
 * broken environment, so the test fails instead.
 */
public final class Privileges {

    private Privileges() {
    }

    /** @return whether this process runs as uid 0 */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** @return whether this is a CI run ({@code CI=true}) */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the calling test (outside CI) or fails it (in CI) unless running as root with /dev/net/tun present.
     *
     * @param what what the test needs root for, for the message
     */
    public static void requireRoot(String what) {
        String missing = null;
        if (!isRoot()) {
            missing = what + " needs root (CAP_NET_ADMIN); run the tests as root";
        } else if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing = what + " needs /dev/net/tun (modprobe tun)";
        }
        if (missing == null) {
            return;
        }
        if (isCi()) {
            throw new AssertionError("CI=true but " + missing + ": privileged tests must run in CI, not be skipped");
        }
        Assumptions.abort("skipped: " + missing);
    }
}
