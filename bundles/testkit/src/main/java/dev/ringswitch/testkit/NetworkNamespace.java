package dev.ringswitch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace made for a test, driven with iproute2: a host with its own kernel IP stack behind one of
 * the switch's TAP ports. Needs root (see {@link Privileges#requireRoot}). Close it in a {@code finally} or
 * {@code @AfterEach}: closing deletes the namespace and every interface in it.
 *
 * <pre>{@code
 * try (NetworkNamespace a = NetworkNamespace.create("rsx-a")) {
 *     a.adopt("rsx0", "10.0.0.1/24");     // move the TAP in, assign the address, bring it up
 *     a.run("ping", "-c", "1", "10.0.0.2");
 * }
 * }</pre>
 *
 * A TAP moved into a namespace keeps working from the fd that created it: the switch keeps reading and writing it.
 */
public final class NetworkNamespace implements AutoCloseable {

    /** How long one command may take. */
    public static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates a namespace (deleting a stale one of the same name first) and brings its loopback up.
     *
     * @param name the namespace name; use the test's unique prefix
     * @return the namespace
     */
    public static NetworkNamespace create(String name) {
        exec(false, "ip", "netns", "delete", name);
        exec(true, "ip", "netns", "add", name);
        NetworkNamespace ns = new NetworkNamespace(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** @return the namespace name */
    public String name() {
        return name;
    }

    /**
     * Moves an interface of the root namespace into this one, assigns an address and brings it up (moving an
     * interface brings it down).
     *
     * @param ifName the interface, e.g. a switch port's TAP
     * @param cidr address and prefix length, e.g. {@code 10.0.0.1/24}
     */
    public void adopt(String ifName, String cidr) {
        exec(true, "ip", "link", "set", ifName, "netns", name);
        ip("addr", "add", cidr, "dev", ifName);
        ip("link", "set", ifName, "up");
    }

    /**
     * Runs {@code ip ARGS} inside the namespace.
     *
     * @param args the ip arguments
     * @return the output
     */
    public String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return exec(true, cmd.toArray(String[]::new));
    }

    /**
     * Runs a command inside the namespace and waits for it.
     *
     * @param command the command and its arguments
     * @return its standard output and error
     * @throws AssertionError if it fails or times out, with its output
     */
    public String run(String... command) {
        return exec(true, prefixed(command));
    }

    /**
     * Starts a command inside the namespace without waiting (a receiver, a server).
     *
     * @param command the command and its arguments
     * @return the process; the caller waits for or destroys it
     */
    public Process start(String... command) {
        try {
            return new ProcessBuilder(prefixed(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + String.join(" ", command) + " in " + name + ": " + e, e);
        }
    }

    private String[] prefixed(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd.toArray(String[]::new);
    }

    /** Deletes the namespace and the interfaces in it. Idempotent. */
    @Override
    public void close() {
        exec(false, "ip", "netns", "delete", name);
    }

    /**
     * Runs a command in the root namespace.
     *
     * @param check whether a non-zero exit is an error
     * @param command the command and its arguments
     * @return its standard output and error
     */
    public static String exec(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (check && p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(String.join(" ", command) + " interrupted", e);
        }
    }
}
