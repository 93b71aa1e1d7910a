package dev.ringswitch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Linux network namespace made for a test, driven with iproute2: a host with its own kernel IP stack behind one of
 * the switch's TAP ports. Needs root (see {@link Privileges#requireRoot}). Close it in a {@code finally} or
 * {@code @AfterEach}: closing deletes the namespace and every interface in it.
 *
 * <pre>{@code
 * try (NetworkNamespace a = NetworkNamespace.create("rsx-a")) {
 *     a.adopt("rsx0", "10.0.0.1/24");     // move the TAP in, assign the address, bring it up
 *     assertTrue(a.reaches("10.0.0.2"));  // or a.run("ping", ...) for any command in the namespace
 * }
 * }</pre>
 *
 * A TAP moved into a namespace keeps working from the fd that created it: the switch keeps reading and writing it.
 */
public final class NetworkNamespace implements AutoCloseable {

    /** How long one command may take. */
    public static final long COMMAND_TIMEOUT_SECONDS = 60;

    /**
     * Reads a child process's output. A thread of its own per read, not the common pool: the reads block for as long
     * as the process runs. Daemon threads, so that a process left running cannot keep the test JVM alive.
     */
    static final Executor OUTPUT_READER = task -> Thread.ofPlatform().daemon().name("testkit-output").start(task);

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
     * Runs a command inside the namespace and waits for it.
     *
     * @param check whether a non-zero exit is an error
     * @param command the command and its arguments
     * @return its standard output and error
     */
    public String run(boolean check, String... command) {
        return exec(check, prefixed(command));
    }

    /**
     * Pings from this namespace: three echo requests 0.2 s apart, waiting 2 s at most for each reply. Needs
     * {@code ping} (iputils-ping).
     *
     * @param address whom
     * @return ping's output
     * @throws AssertionError if no reply came back, with ping's output
     */
    public String ping(String address) {
        return run(pingCommand(address));
    }

    /**
     * Pings as {@link #ping} does, for tests that expect either outcome.
     *
     * @param address whom
     * @return whether at least one echo reply came back
     */
    public boolean reaches(String address) {
        return execute(prefixed(pingCommand(address))).exitCode() == 0;
    }

    private static String[] pingCommand(String address) {
        return new String[] {"ping", "-c", "3", "-i", "0.2", "-W", "2", address};
    }

    /**
     * @param ifName an interface in this namespace
     * @return its MAC address as the kernel prints it, e.g. {@code 02:ab:cd:ef:01:23}
     */
    public String mac(String ifName) {
        return run("cat", "/sys/class/net/" + ifName + "/address").strip();
    }

    /**
     * Starts a command inside the namespace without waiting (a receiver, a server).
     *
     * @param command the command and its arguments
     * @return the process; the caller waits for or destroys it
     */
    public Process start(String... command) {
        return launch(prefixed(command));
    }

    /**
     * @param command a command line
     * @return the command, started with standard error merged into standard output
     */
    static Process launch(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + String.join(" ", command) + ": " + e, e);
        }
    }

    /**
     * @param command a command and its arguments
     * @return the command line that runs it inside this namespace
     */
    String[] prefixed(String... command) {
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
     * @throws AssertionError if it times out ({@value #COMMAND_TIMEOUT_SECONDS} s), or fails and {@code check} is set
     */
    public static String exec(boolean check, String... command) {
        Result r = execute(command);
        if (check && r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.output().strip());
        }
        return r.output();
    }

    /**
     * Runs a command and waits, bounded, for it to exit and for its output to end. The output is read on another
     * thread, so that a command which never exits cannot block the test beyond the timeout.
     */
    private static Result execute(String... command) {
        Process p = launch(command);
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p), OUTPUT_READER);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS
                        + " s");
            }
            return new Result(p.exitValue(), out.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " interrupted", e);
        }
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    private record Result(int exitCode, String output) {
    }
}
