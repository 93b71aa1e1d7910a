package dev.ringswitch.itests.support;

import dev.ringswitch.testkit.NetworkNamespace;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private copy of the built distribution in {@code target/instances/NAME}, on free ports, started as
 * {@code bin/karaf server} and driven over SSH as a real operator would.
 *
 * <p>Each instance gets an extra read-only account for RBAC tests: {@value #VIEWER} / {@value #VIEWER_PASSWORD}.
 */
public final class KarafInstance implements AutoCloseable {

    /** The shipped administrator (etc/users.properties). */
    public static final String ADMIN = "admin";
    /** The shipped administrator's password. */
    public static final String ADMIN_PASSWORD = "ringswitch";
    /** A viewer-only account added for tests. */
    public static final String VIEWER = "watcher";
    /** Its password. */
    public static final String VIEWER_PASSWORD = "watcher-secret";

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    /** How a karaf.log entry begins: Log4j's timestamp, or the launcher's java.util.logging date. */
    private static final Pattern LOG_ENTRY_START =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T|[A-Z][a-z]{2} \\d{2}, \\d{4} ");
    private static final int MAX_TRACE_LINES = 40;
    /** How long a command that could not be sent (SSH server restarting) is retried. */
    private static final Duration NOT_SENT_RETRY = Duration.ofSeconds(60);
    /** Lines of each RingSwitch thread's stack printed when a command was not sent (the full dump is kept). */
    private static final int SWITCH_THREAD_LINES = 14;

    private final Path home;
    private final int sshPort;
    private int metricsPort;
    private Process process;
    private SshClient client;

    private KarafInstance(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    /**
     * Copies the distribution unpacked by Maven into a fresh directory and gives it free ports.
     *
     * @param name directory name under target/instances
     * @return the prepared, not yet started instance
     * @throws IOException if copying fails
     */
    public static KarafInstance prepare(String name) throws IOException {
        Path distribution = Path.of(System.getProperty("ringswitch.distribution", "target/distribution"));
        Path unpacked;
        try (Stream<Path> entries = Files.list(distribution)) {
            unpacked = entries.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new IOException("no unpacked distribution in " + distribution));
        }
        Path home = distribution.getParent().resolve("instances").resolve(name).toAbsolutePath();
        deleteTree(home);
        copyTree(unpacked, home);
        KarafInstance instance = new KarafInstance(home, freePort());
        instance.editConfig();
        return instance;
    }

    private void editConfig() throws IOException {
        replace(home.resolve("etc/org.apache.karaf.shell.cfg"), "(?m)^sshPort\\s*=.*$", "sshPort = " + sshPort);
        Path management = home.resolve("etc/org.apache.karaf.management.cfg");
        replace(management, "(?m)^rmiRegistryPort\\s*=.*$", "rmiRegistryPort = " + freePort());
        replace(management, "(?m)^rmiServerPort\\s*=.*$", "rmiServerPort = " + freePort());
        // Every instance gets its own metrics port: two on the default one would clash (an ERROR in the log).
        metricsPort = freePort();
        replace(home.resolve("etc/ringswitch.metrics.cfg"), "(?m)^port\\s*=.*$", "port = " + metricsPort);
        // Karaf's shutdown socket listens on a port the kernel picks when Karaf starts, which can be one freePort
        // has just handed out for this instance (CI: it took the metrics port, whose scrapes then reached it).
        Files.writeString(home.resolve("etc/custom.properties"), "\nkaraf.shutdown.port = " + freePort() + "\n",
                StandardOpenOption.APPEND);
        Files.writeString(home.resolve("etc/users.properties"),
                "\n" + VIEWER + " = " + VIEWER_PASSWORD + ",_g_:viewergroup\n", StandardOpenOption.APPEND);
    }

    /** @return the instance's directory */
    public Path home() {
        return home;
    }

    /** @return the SSH port */
    public int sshPort() {
        return sshPort;
    }

    /** @return the port of the instance's Prometheus endpoint on 127.0.0.1 */
    public int metricsPort() {
        return metricsPort;
    }

    /** @return the Karaf JVM's process, or null before start */
    public Process process() {
        return process;
    }

    /** @return the PID of the Karaf JVM (a child of the launcher script) */
    public long javaPid() {
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("no java process under the launcher"));
    }

    /**
     * Starts {@code bin/karaf server} and waits until SSH answers and the boot features are installed.
     *
     * @return this
     * @throws Exception if it does not come up in time
     */
    public KarafInstance start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.out").toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("EXTRA_JAVA_OPTS");
        process = pb.start();
        try {
            awaitBoot(process);
        } catch (BootTimeoutException e) {
            // Seen once on a heavily loaded machine: Karaf's first-boot refresh of its startup bundles stalled.
            // Keep the evidence (thread dump, log), then try once more from a clean bundle cache.
            Path evidence = dumpThreads("boot-hang");
            System.err.println("[itests] " + home.getFileName() + ": " + e.getMessage() + "; thread dump in "
                    + evidence + "; retrying once");
            kill();
            Files.move(home.resolve("data/log/karaf.log"), home.resolve("boot-hang-karaf.log"),
                    StandardCopyOption.REPLACE_EXISTING);
            deleteTree(home.resolve("data"));
            process = pb.start();
            awaitBoot(process);
        }
        return this;
    }

    /** Thrown when Karaf is alive but does not finish booting in time. */
    static final class BootTimeoutException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BootTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * Writes a thread dump of the Karaf JVM (jcmd Thread.print) next to the instance.
     *
     * @param name file name prefix
     * @return the file written
     */
    public Path dumpThreads(String name) {
        Path out = home.resolve(name + "-threads.txt");
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            new ProcessBuilder(jcmd, Long.toString(javaPid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            System.err.println("[itests] no thread dump: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Prints the stacks of the RingSwitch threads from a thread dump, briefly. */
    private static void printSwitchThreads(Path dump) {
        try {
            System.err.print("[itests] RingSwitch threads (whole dump: " + dump + "):\n"
                    + switchThreads(Files.readAllLines(dump, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            System.err.println("[itests] thread dump unreadable: " + e);
        }
    }

    /**
     * @param dump the lines of a jcmd Thread.print dump
     * @return the first {@value #SWITCH_THREAD_LINES} lines of each thread named ringswitch-*, blank lines left out
     */
    static String switchThreads(List<String> dump) {
        StringBuilder out = new StringBuilder();
        int shown = -1;
        for (String line : dump) {
            if (line.startsWith("\"")) {
                shown = line.startsWith("\"ringswitch-") ? 0 : -1;
            }
            if (shown >= 0 && shown < SWITCH_THREAD_LINES && !line.isBlank()) {
                out.append(line).append('\n');
                shown++;
            }
        }
        return out.toString();
    }

    /**
     * Waits until SSH answers, the boot features are installed and every RingSwitch bundle is Active.
     *
     * @param launcher the process that runs Karaf (bin/karaf, or a terminal wrapper around it)
     * @throws Exception if Karaf exits or does not come up in time
     */
    public void awaitBoot(Process launcher) throws Exception {
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("Karaf exited with " + launcher.exitValue() + ":\n"
                        + consoleOutput());
            }
            if (portOpen()) {
                try {
                    CommandResult r = exec(ADMIN, ADMIN_PASSWORD, "feature:list -i");
                    last = r.toString();
                    if (r.out().contains("ringswitch-core ") && bootFeaturesDone()) {
                        return;
                    }
                } catch (IOException | IllegalStateException e) {
                    last = e.toString();
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new BootTimeoutException("Karaf did not finish booting in " + BOOT_TIMEOUT + "; last: " + last);
    }

    private boolean bootFeaturesDone() throws IOException {
        // The features service logs "Done." after each deployment; boot runs several (and restarts SSH between
        // them), so the boot is over when its last word is "Done." and every RingSwitch bundle is Active.
        String lastFeaturesLine = karafLog().lines().filter(l -> l.contains("FeaturesServiceImpl"))
                .reduce((a, b) -> b).orElse("");
        if (!lastFeaturesLine.contains("| Done.")) {
            return false;
        }
        List<String> ours = admin("bundle:list -t 0").out().lines().filter(l -> l.contains("RingSwitch ::")).toList();
        return !ours.isEmpty() && ours.stream().allMatch(l -> l.contains("Active"));
    }

    private boolean portOpen() {
        try (Socket ignored = new Socket("127.0.0.1", sshPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs one command over an SSH exec channel, as {@code ssh -p PORT user@127.0.0.1 'command'} would.
     *
     * @param user the account
     * @param password its password
     * @param command the shell command line
     * @return what it printed
     * @throws IOException on connection or authentication failure
     */
    public CommandResult exec(String user, String password, String command) throws IOException {
        // Karaf restarts its SSH server when configuration arrives late in boot. A connection refused in that
        // window, or one accepted by the server being stopped (its authentication then never answers: seen once
        // in CI), did not run the command, so it is retried rather than reported.
        long deadline = System.nanoTime() + NOT_SENT_RETRY.toNanos();
        int unanswered = 0;
        while (true) {
            try {
                return execOnce(user, password, command);
            } catch (CommandNotSentException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (!causedBy(e, java.net.ConnectException.class)) {
                    System.err.println("[itests] " + home.getFileName() + ": '" + command + "' not sent ("
                            + e.getCause() + "); retrying on a new connection");
                    // A server that accepted the connection and then said nothing: what were the switch's threads
                    // doing? (Once in CI, under traffic, for over a minute; the dump is the only witness.)
                    printSwitchThreads(dumpThreads("not-sent-" + System.currentTimeMillis()));
                    // Which end went quiet: the kernel's view of the sockets, and this JVM's SSH client threads.
                    // Then a fresh client, in case it is ours.
                    printSshSockets();
                    printClientThreads();
                    replaceClient();
                    if (++unanswered == 2) {
                        // Three times in CI (Karaf booted, two commands answered, then no connection answered for a
                        // minute, every Karaf thread idle): a configuration change makes Karaf restart its server.
                        restartSshServer();
                    }
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Asks Karaf to restart its SSH server, as any change of {@code org.apache.karaf.shell} does, by adding a
     * property that nothing reads.
     */
    private void restartSshServer() {
        Path cfg = home.resolve("etc/org.apache.karaf.shell.cfg");
        try {
            String text = Files.readString(cfg).replaceAll("(?m)^itests\\.sshRestart\\s*=.*\\n", "");
            Files.writeString(cfg, text + "itests.sshRestart = " + System.currentTimeMillis() + "\n");
            System.err.println("[itests] " + home.getFileName() + ": asked Karaf to restart its SSH server");
        } catch (IOException e) {
            System.err.println("[itests] could not ask for an SSH restart: " + e);
        }
    }

    /** The connection or the login failed, so the command was never sent and may be retried. */
    static final class CommandNotSentException extends IOException {
        private static final long serialVersionUID = 1L;

        CommandNotSentException(String command, IOException cause) {
            super("'" + command + "' not sent: " + cause.getMessage(), cause);
        }
    }


    private static boolean causedBy(Throwable e, Class<? extends Throwable> cause) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (cause.isInstance(t)) {
                return true;
            }
        }
        return false;
    }


    /**
     * Prints the SSH port's sockets as the kernel sees them: a listener's Recv-Q counts connections the server has
     * not accepted; an established socket's Recv-Q, bytes its owner has not read.
     */
    private void printSshSockets() {
        String port = Integer.toString(sshPort);
        try {
            System.err.print("[itests] sockets of port " + port + ":\n" + NetworkNamespace.exec(false, "ss", "-tanp",
                    "( sport = :" + port + " or dport = :" + port + " )"));
        } catch (AssertionError e) {
            System.err.println("[itests] no socket list: " + e.getMessage());
        }
    }

    /** Prints the stacks of this JVM's SSH client threads, briefly. */
    private static void printClientThreads() {
        StringBuilder out = new StringBuilder("[itests] SSH client threads of the tests' JVM:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().contains("SshClient")) {
                out.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, SWITCH_THREAD_LINES); i++) {
                    out.append("\tat ").append(stack[i]).append('\n');
                }
            }
        });
        System.err.print(out);
    }

    /** Drops the SSH client without waiting for its sessions: the next command connects with a new one. */
    private synchronized void replaceClient() {
        if (client != null) {
            client.close(true);
            client = null;
        }
    }

    private synchronized SshClient client() {
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
        }
        return client;
    }

    private CommandResult execOnce(String user, String password, String command) throws IOException {
        ClientSession session;
        try {
            session = client().connect(user, "127.0.0.1", sshPort).verify(Duration.ofSeconds(10)).getSession();
        } catch (IOException e) {
            throw new CommandNotSentException(command, e);
        }
        try (session) {
            session.addPasswordIdentity(password);
            try {
                session.auth().verify(Duration.ofSeconds(15));
            } catch (IOException e) {
                // A wrong password is an answer; silence or a server that hangs up is not.
                if (causedBy(e, java.util.concurrent.TimeoutException.class) || !session.isOpen()) {
                    throw new CommandNotSentException(command, e);
                }
                throw e;
            }
            try (ChannelExec channel = session.createExecChannel(command)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                channel.setOut(out);
                channel.setErr(err);
                channel.open().verify(Duration.ofSeconds(10));
                channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60));
                Integer status = channel.getExitStatus();
                return new CommandResult(command, out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8), status == null ? -1 : status);
            }
        }
    }

    /**
     * Runs a command as the administrator.
     *
     * @param command the command line
     * @return what it printed
     * @throws IOException on connection failure
     */
    public CommandResult admin(String command) throws IOException {
        return exec(ADMIN, ADMIN_PASSWORD, command);
    }

    /** @return data/log/karaf.log, or empty text if it does not exist yet */
    public String karafLog() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** @return the log lines at ERROR level */
    public List<String> errorLines() throws IOException {
        return errorEntries(karafLog()).stream().map(e -> e.lines().findFirst().orElse("")).toList();
    }

    /**
     * The ERROR entries of a log, each with the lines that continue it (a stack trace), so that a failure message
     * shows the cause rather than the whole log, which CI would cut short.
     *
     * @param log the text of a karaf.log
     * @return one element per ERROR entry
     */
    public static List<String> errorEntries(String log) {
        List<String> entries = new ArrayList<>();
        StringBuilder entry = null;
        int continuation = 0;
        for (String line : log.split("\n")) {
            boolean newEntry = LOG_ENTRY_START.matcher(line).lookingAt();
            if (newEntry && entry != null) {
                entries.add(entry.toString());
                entry = null;
            }
            if (line.contains("| ERROR |")) {
                if (entry != null) {
                    entries.add(entry.toString());
                }
                entry = new StringBuilder(line);
                continuation = 0;
            } else if (entry != null && !newEntry && continuation++ < MAX_TRACE_LINES) {
                entry.append('\n').append(line);
            }
        }
        if (entry != null) {
            entries.add(entry.toString());
        }
        return entries;
    }

    /** @return what the launcher printed */
    public String consoleOutput() {
        try {
            Path out = home.resolve("console.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the instance: an orderly {@code system:shutdown}, then (if needed) the processes we started, by PID.
     */
    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                try {
                    admin("system:shutdown -f");
                } catch (IOException e) {
                    // Already unreachable: fall through to ending our processes.
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (client != null) {
                client.stop();
                // A later start() (a restart test) connects with a new client.
                client = null;
            }
        }
    }

    /**
     * Kills the Karaf JVM without warning (kill -9), leaving the launcher script to exit.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Ports {@link #freePort} has handed out: the kernel may offer a port again as soon as its probe closes. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    /**
     * @return a TCP port nobody listens on right now and that this method has not returned before (an instance's
     *         ports are chosen one after another and bound only when Karaf boots, so the kernel's answer alone once
     *         gave the RMI registry and the metrics endpoint the same port)
     */
    public static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no TCP port left that was not handed out already (" + HANDED_OUT.size() + " were)");
    }

    private static void replace(Path file, String regex, String replacement) throws IOException {
        String text = Files.readString(file);
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IOException("no '" + regex + "' in " + file);
        }
        Files.writeString(file, m.replaceAll(Matcher.quoteReplacement(replacement)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
