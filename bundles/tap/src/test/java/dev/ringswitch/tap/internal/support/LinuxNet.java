package dev.ringswitch.tap.internal.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-side view of the kernel's interfaces: reads {@code /sys/class/net} and runs {@code ip} (iproute2) to check
 * and clean up what the code under test did. Never used by main code, which must not shell out.
 */
public final class LinuxNet {

    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final long OPERSTATE_POLL_MILLIS = 10;

    private LinuxNet() {
    }

    /** @param name an interface @return whether it exists in this network namespace */
    public static boolean exists(String name) {
        return Files.exists(sysfs(name));
    }

    /**
     * @param name an interface
     * @param attribute a file under /sys/class/net/NAME, e.g. {@code mtu}
     * @return its trimmed content
     */
    public static String attribute(String name, String attribute) {
        try {
            return Files.readString(sysfs(name).resolve(attribute)).trim();
        } catch (IOException e) {
            throw new AssertionError("cannot read /sys/class/net/" + name + "/" + attribute, e);
        }
    }

    /**
     * Runs a command and returns its standard output (with standard error appended).
     *
     * @param command the command and its arguments
     * @return the output
     * @throws AssertionError if it does not finish in time or exits non-zero
     */
    public static String run(String... command) {
        Result result = runAllowingFailure(command);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }

    /**
     * @param command the command and its arguments
     * @return its exit code and output
     */
    public static Result runAllowingFailure(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }

    /**
     * Deletes interfaces a test may have left behind (persistent TAPs, helper devices); missing ones are fine.
     *
     * @param names the interfaces
     */
    public static void deleteIfPresent(String... names) {
        for (String name : names) {
            if (exists(name)) {
                runAllowingFailure("ip", "link", "delete", name);
            }
        }
    }

    /**
     * Waits until the kernel considers the interface operational. Attaching a TAP's fd turns its carrier on, but the
     * kernel activates the device's queueing discipline (and updates operstate) only when its linkwatch work runs,
     * up to a second later; until then every frame sent out of the interface is silently dropped. There is no event
     * to wait on from here, so this polls operstate until a deadline.
     *
     * @param name the interface
     * @param timeoutMillis how long to wait at most
     * @throws AssertionError if it is still down at the deadline
     */
    public static void awaitOperational(String name, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (attribute(name, "operstate").equals("down")) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + " is still operationally down after " + timeoutMillis + " ms");
            }
            try {
                Thread.sleep(OPERSTATE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + name, e);
            }
        }
    }

    /**
     * Turns IPv6 off on an interface (if the kernel has IPv6), so that bringing it up sends no router solicitations
     * or MLD reports that a test would have to filter out.
     *
     * @param name the interface
     */
    public static void disableIpv6(String name) {
        Path knob = Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6");
        if (Files.exists(knob)) {
            try {
                Files.writeString(knob, "1");
            } catch (IOException e) {
                throw new AssertionError("cannot write " + knob, e);
            }
        }
    }

    private static Path sysfs(String name) {
        return Path.of("/sys/class/net", name);
    }

    /**
     * @param exitCode the process's exit code
     * @param output what it printed
     */
    public record Result(int exitCode, String output) {
    }
}
