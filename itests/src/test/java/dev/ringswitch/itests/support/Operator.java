package dev.ringswitch.itests.support;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An operator at the Karaf console over SSH, as one account: runs {@code ringswitch:*} commands, checks that they
 * succeed or fail with one line, and reads their ShellTable output.
 */
public final class Operator {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");

    private final KarafInstance karaf;
    private final String user;
    private final String password;

    /**
     * @param karaf the running instance
     * @param user the account
     * @param password its password
     */
    public Operator(KarafInstance karaf, String user, String password) {
        this.karaf = karaf;
        this.user = user;
        this.password = password;
    }

    /**
     * @param karaf the running instance
     * @return its administrator
     */
    public static Operator admin(KarafInstance karaf) {
        return new Operator(karaf, KarafInstance.ADMIN, KarafInstance.ADMIN_PASSWORD);
    }

    /**
     * @param karaf the running instance
     * @return its read-only viewer
     */
    public static Operator viewer(KarafInstance karaf) {
        return new Operator(karaf, KarafInstance.VIEWER, KarafInstance.VIEWER_PASSWORD);
    }

    /**
     * @param command a command line
     * @return what it printed, without colour codes
     * @throws IOException on connection failure
     */
    public CommandResult run(String command) throws IOException {
        CommandResult r = karaf.exec(user, password, command);
        return new CommandResult(r.command(), strip(r.out()), strip(r.err()), r.exitStatus());
    }

    /**
     * @param command a command expected to succeed
     * @return its output
     * @throws IOException on connection failure
     */
    public String ok(String command) throws IOException {
        CommandResult r = run(command);
        assertEquals(0, r.exitStatus(), r::toString);
        return r.out();
    }

    /**
     * @param command a command expected to fail
     * @return its one line of output (stdout and stderr together, trimmed)
     * @throws IOException on connection failure
     */
    public String fails(String command) throws IOException {
        CommandResult r = run(command);
        assertNotEquals(0, r.exitStatus(), r::toString);
        String text = r.all().strip();
        assertEquals(1, text.lines().count(), () -> "not one line: " + r);
        return text;
    }

    /**
     * @param table a ShellTable as printed
     * @param first the first cell of the wanted row
     * @return the row's cells, trimmed, if the table has it
     */
    public static Optional<List<String>> row(String table, String first) {
        return table.lines().map(l -> Arrays.stream(l.split("\\|", -1)).map(String::strip).toList())
                .filter(cells -> cells.getFirst().equals(first)).findFirst();
    }

    /**
     * Polls until a condition holds: for changes that arrive asynchronously (FileInstall reads etc/ once a second).
     *
     * @param what the condition, for the failure message
     * @param timeout how long to wait at most
     * @param condition checked every 200 ms
     * @throws AssertionError if it does not hold in time
     */
    public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    private static String strip(String text) {
        return ANSI.matcher(text).replaceAll("");
    }
}
