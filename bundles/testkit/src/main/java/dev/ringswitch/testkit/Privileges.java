package dev.ringswitch.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gate for tests that need root (CAP_NET_ADMIN) for TAP devices and network namespaces, or host commands such as
 * tcpdump.
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
        if (missing != null) {
            unavailable(missing);
        }
    }

    /**
     * Skips the calling test (outside CI) or fails it (in CI) unless every command is an executable on the PATH.
     *
     * @param packages the apt packages that provide them, for the message, e.g. {@code "tcpdump iputils-ping"}
     * @param commands the commands the test runs, e.g. {@code "tcpdump", "ping"}
     */
    public static void requireCommands(String packages, String... commands) {
        for (String command : commands) {
            if (!onPath(command)) {
                unavailable(command + " is missing: apt-get install " + packages);
            }
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static void unavailable(String missing) {
        if (isCi()) {
            throw new AssertionError("CI=true but " + missing + ": tests that need it must run in CI, not be skipped");
        }
        Assumptions.abort("skipped: " + missing);
    }
}
