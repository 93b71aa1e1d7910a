package dev.ringswitch.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a running JVM holds, read from outside as an operator would: open fds ({@code /proc/PID/fd}), threads
 * ({@code /proc/PID/task/N/comm}), and the heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}). For
 * leak checks: take a {@link Snapshot} before and after, and compare.
 */
public final class JvmProbe {

    /**
     * Threads that come and go with SSH sessions and command pipes; they are pooled and time out on their own, so
     * leak checks leave them out.
     */
    private static final Pattern TRANSIENT_THREAD = Pattern.compile(
            "^(session-|sshd-|pipe-|ssh|Karaf ssh|Attach|Common-Cleaner|process reaper|Signal Dispatch|Java2D|"
                    + "C[12] CompilerThre|VM Periodic|Notification Thread|Service Thread|pool-|Thread-|"
                    + "ForkJoinPool|Gogo|CM Event|CM Configuration|fileinstall|Timer-).*");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern PERF_COUNTER = Pattern.compile("(?m)^([\\w.]+)=(\\d+)$");
    /** A bundle's cache directory: its number changes when a feature is reinstalled, its role does not. */
    private static final Pattern BUNDLE_CACHE = Pattern.compile("/data/cache/bundle\\d+/");

    private final long pid;

    /** @param pid the JVM's process id */
    public JvmProbe(long pid) {
        this.pid = pid;
    }

    /** @return the process id */
    public long pid() {
        return pid;
    }

    /**
     * @return the open fds by target (a file path, {@code socket:[..]} collapsed to {@code socket}, a bundle's cache
     *         directory number to {@code bundleN}), with their counts
     * @throws IOException if /proc cannot be read
     */
    public Map<String, Integer> fds() throws IOException {
        Map<String, Integer> byTarget = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) entries::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                int bracket = target.indexOf(":[");
                target = bracket > 0 ? target.substring(0, bracket) : target;
                byTarget.merge(BUNDLE_CACHE.matcher(target).replaceFirst("/data/cache/bundleN/"), 1, Integer::sum);
            }
        }
        return byTarget;
    }

    /**
     * @return the names of the JVM's long-lived threads (transient session and pool threads left out), sorted
     * @throws IOException if /proc cannot be read
     */
    public List<String> threads() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (!TRANSIENT_THREAD.matcher(name).matches()) {
                        names.add(name);
                    }
                } catch (IOException e) {
                    // The thread ended while listing.
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** @return every thread of the JVM, transient ones included */
    public int threadCount() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return (int) tasks.count();
        }
    }

    /**
     * Runs a full GC in the JVM and reads the heap it keeps.
     *
     * @return bytes of heap in use after the GC
     * @throws Exception if jcmd fails
     */
    public long heapAfterGc() throws Exception {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new AssertionError("no heap figure from jcmd");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /**
     * @return classes loaded and not unloaded (the JVM's {@code java.cls.*} perf counters); a module whose class
     *         loader survives its uninstall shows up here, round after round
     * @throws Exception if jcmd fails
     */
    public long liveClasses() throws Exception {
        Map<String, Long> counters = new TreeMap<>();
        Matcher m = PERF_COUNTER.matcher(jcmd("PerfCounter.print"));
        while (m.find()) {
            counters.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counters.getOrDefault("java.cls.loadedClasses", 0L)
                + counters.getOrDefault("java.cls.sharedLoadedClasses", 0L)
                - counters.getOrDefault("java.cls.unloadedClasses", 0L)
                - counters.getOrDefault("java.cls.sharedUnloadedClasses", 0L);
    }

    /** @return the resident set size in bytes (VmRSS) */
    public long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /**
     * @return a snapshot of fds, long-lived threads and heap after GC
     * @throws Exception if reading fails
     */
    public Snapshot snapshot() throws Exception {
        return new Snapshot(fds(), threads(), heapAfterGc());
    }

    /**
     * What the JVM held at one moment.
     *
     * @param fds open fds by target
     * @param threads long-lived thread names
     * @param heapBytes heap in use after a full GC
     */
    public record Snapshot(Map<String, Integer> fds, List<String> threads, long heapBytes) {

        /**
         * Compares with a later snapshot and lists what grew. Sockets and pipes are left out: SSH sessions and
         * scrapes open and close them on their own schedule; every other fd target (TAP devices, epoll and event fds,
         * files) and every long-lived thread name must not be held more often than before. Fewer is fine: pooled
         * threads end when idle.
         *
         * @param later the later snapshot
         * @return one line per fd target or thread name held more often, empty if none is
         */
        public String leaksTo(Snapshot later) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> e : later.fds.entrySet()) {
                int was = fds.getOrDefault(e.getKey(), 0);
                if (e.getValue() > was && !e.getKey().equals("socket") && !e.getKey().equals("pipe")) {
                    sb.append("fds on ").append(e.getKey()).append(": ").append(was).append(" -> ")
                            .append(e.getValue()).append('\n');
                }
            }
            Map<String, Integer> threadsBefore = counts(threads);
            counts(later.threads).forEach((name, n) -> {
                int was = threadsBefore.getOrDefault(name, 0);
                if (n > was) {
                    sb.append("threads named ").append(name).append(": ").append(was).append(" -> ").append(n)
                            .append('\n');
                }
            });
            return sb.toString();
        }

        private static Map<String, Integer> counts(List<String> names) {
            Map<String, Integer> out = new TreeMap<>();
            names.forEach(n -> out.merge(n, 1, Integer::sum));
            return out;
        }

        /** @return the number of open fds */
        public int fdCount() {
            return fds.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return "fds " + fdCount() + " " + fds + ", threads " + threads.size() + " " + threads + ", heap after GC "
                    + heapBytes / 1024 + " KiB";
        }
    }
}
