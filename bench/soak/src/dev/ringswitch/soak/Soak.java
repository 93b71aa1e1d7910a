package dev.ringswitch.soak;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.JvmProbe;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.Metrics;
import dev.ringswitch.itests.support.RawHost;
import dev.ringswitch.itests.support.UdpStream;
import dev.ringswitch.testkit.NetworkNamespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A soak of the built appliance: minutes of traffic while everything the reliability tests do one at a time happens
 * together, round after round, then a report of what went in, what came out, what was dropped and why, and what the
 * JVM holds compared with the start.
 *
 * <p>Per round: random bytes on one port, a flood of random source MACs on another, the L2, VLAN and statistics
 * modules uninstalled and installed again, and {@value #CHURN_CYCLES} add/remove cycles of a spare port, all while
 * two UDP streams cross the switch between namespace hosts. The run fails (exit status 1) on a lost or duplicated
 * datagram, a frame the switch did not count, ERROR lines, more fds or long-lived threads at the end than at the
 * start, heap after GC grown by more than {@value #HEAP_SLACK_MIB} MiB, or more than {@value #CLASS_SLACK} classes
 * still loaded (an uninstalled module whose class loader lives on). Resident memory is reported, not judged: the heap
 * grows to its working size and the JIT and metaspace take their share.
 *
 * <p>Usage (see run.sh): {@code Soak [minutes]}; needs root, iproute2, python3.
 */
public final class Soak {

    private static final List<String> IP_PORTS = List.of("rsr-k1", "rsr-k2", "rsr-k3", "rsr-k4");
    private static final String GARBAGE_PORT = "rsr-k5";
    private static final String FLOOD_PORT = "rsr-k6";
    private static final String CHURN_PORT = "rsr-kc";
    private static final List<String> MODULES = List.of("ringswitch-l2", "ringswitch-vlan", "ringswitch-stats");
    private static final int CHURN_CYCLES = 50;
    private static final int RANDOM_FRAMES = 2000;
    private static final int FLOOD_SOURCES = 5000;
    private static final int STREAM_RATE = 1000;
    private static final long HEAP_SLACK_MIB = 32;
    /** Classes the JVM may load on the side during a run (JIT, reflection); far fewer than one module's. */
    private static final long CLASS_SLACK = 300;

    private final Duration duration;
    private final List<String> failures = new ArrayList<>();
    private KarafInstance karaf;
    private int metricsPort;
    private final Map<String, NetworkNamespace> ipHosts = new LinkedHashMap<>();
    private RawHost garbage;
    private RawHost flood;

    private Soak(Duration duration) {
        this.duration = duration;
    }

    /**
     * @param args optional minutes (default 3)
     * @throws Exception if the appliance cannot be set up
     */
    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Soak soak = new Soak(Duration.ofSeconds((long) (minutes * 60)));
        boolean ok;
        try {
            ok = soak.run();
        } finally {
            soak.tearDown();
        }
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        karaf = KarafInstance.prepare("soak");
        metricsPort = Metrics.usePrivatePort(karaf);
        karaf.start();
        for (String port : IP_PORTS) {
            admin("ringswitch:port-add " + port);
            NetworkNamespace ns = NetworkNamespace.create("rsr-kh" + port.substring(5));
            ipHosts.put(port, ns);
            ns.adopt(port, ip(port) + "/24");
        }
        admin("ringswitch:port-add " + GARBAGE_PORT);
        admin("ringswitch:port-add " + FLOOD_PORT);
        garbage = RawHost.create("rsr-kn5", GARBAGE_PORT);
        flood = RawHost.create("rsr-kn6", FLOOD_PORT);
        host(1).run("ping", "-c", "1", "-W", "2", ip("rsr-k2"));
        host(3).run("ping", "-c", "1", "-W", "2", ip("rsr-k4"));
        Path churn = karaf.home().resolve("soak-churn.script");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CHURN_CYCLES; i++) {
            sb.append("ringswitch:port-add ").append(CHURN_PORT).append('\n');
            sb.append("ringswitch:port-remove ").append(CHURN_PORT).append('\n');
        }
        Files.writeString(churn, sb);

        // Scrape first: the endpoint's thread starts with the first scrape and is then part of the baseline.
        Metrics first = Metrics.scrape(metricsPort);
        JvmProbe probe = new JvmProbe(karaf.javaPid());
        JvmProbe.Snapshot start = probe.snapshot();
        long rssStart = probe.rss();
        long classesStart = probe.liveClasses();
        int logStart = karaf.karafLog().length();
        long began = System.nanoTime();

        UdpStream stream12 = UdpStream.start(host(1), host(2), ip("rsr-k2"), 9100, STREAM_RATE);
        UdpStream stream34 = UdpStream.start(host(3), host(4), ip("rsr-k4"), 9101, STREAM_RATE);
        long randomSent = 0;
        long sourcesSent = 0;
        int rounds = 0;
        int swaps = 0;
        int cycles = 0;
        try {
            while (System.nanoTime() - began < duration.toNanos()) {
                rounds++;
                Process sources = flood.startSources(FLOOD_SOURCES, rounds, "02:52:53:ff:ff:02", 100);
                randomSent += garbage.sendRandom(RANDOM_FRAMES, rounds, 100);
                for (String feature : MODULES) {
                    expectQuiet(karaf.admin("feature:uninstall " + feature));
                }
                for (String feature : MODULES.reversed()) {
                    expectQuiet(karaf.admin("feature:install " + feature));
                }
                swaps += MODULES.size();
                CommandResult c = karaf.admin("shell:source " + churn.toUri());
                if (c.exitStatus() != 0 || c.all().contains("Error")) {
                    failures.add("port churn failed in round " + rounds + ": " + c.all().strip());
                    // Leave the next round a clean start, so that one failure is reported once.
                    karaf.admin("ringswitch:port-remove " + CHURN_PORT);
                } else {
                    cycles += CHURN_CYCLES;
                }
                sourcesSent += RawHost.awaitSent(sources);
                System.out.printf(Locale.ROOT, "round %d done at %.0f s%n", rounds,
                        (System.nanoTime() - began) / 1e9);
            }
        } finally {
            UdpStream.Result r12 = stream12.stop();
            UdpStream.Result r34 = stream34.stop();
            stream12.close();
            stream34.close();
            checkStream("h1->h2", r12);
            checkStream("h3->h4", r34);
            report(rounds, randomSent, sourcesSent, swaps, cycles, r12, r34, first, start, new long[] {rssStart,
                    classesStart}, probe, (System.nanoTime() - began) / 1e9, logStart);
        }
        return failures.isEmpty();
    }

    private void report(int rounds, long randomSent, long sourcesSent, int swaps, int cycles, UdpStream.Result r12,
                        UdpStream.Result r34, Metrics first, JvmProbe.Snapshot start, long[] rssAndClasses,
                        JvmProbe probe, double seconds, int logStart) throws Exception {
        Metrics end = Metrics.scrape(metricsPort);
        Metrics delta = end.since(first);
        JvmProbe.Snapshot last = probe.snapshot();
        long rssStart = rssAndClasses[0];
        long rssEnd = probe.rss();
        long classesStart = rssAndClasses[1];
        long classesEnd = probe.liveClasses();
        if (classesEnd - classesStart > CLASS_SLACK) {
            failures.add("classes loaded and not unloaded grew by " + (classesEnd - classesStart)
                    + ": an uninstalled module's class loader is kept alive");
        }

        if (delta.rx(GARBAGE_PORT) != randomSent) {
            failures.add(GARBAGE_PORT + " read " + delta.rx(GARBAGE_PORT) + " frames, " + randomSent + " were sent");
        }
        if (delta.rx(FLOOD_PORT) != sourcesSent) {
            failures.add(FLOOD_PORT + " read " + delta.rx(FLOOD_PORT) + " frames, " + sourcesSent + " were sent");
        }
        String leaks = start.leaksTo(last);
        if (!leaks.isEmpty()) {
            failures.add("leaked: " + leaks.strip());
        }
        if (last.heapBytes() - start.heapBytes() > HEAP_SLACK_MIB << 20) {
            failures.add("heap after GC grew by " + (last.heapBytes() - start.heapBytes()) / 1024 + " KiB");
        }
        List<String> errors = karaf.karafLog().substring(logStart).lines().filter(l -> l.contains("| ERROR |"))
                .toList();
        if (!errors.isEmpty()) {
            failures.add(errors.size() + " ERROR lines, first: " + errors.getFirst());
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "RingSwitch soak: %.0f s, %d rounds%n%n", seconds, rounds));
        out.append(String.format(Locale.ROOT, "%-34s %14s %14s%n", "", "start", "end"));
        row(out, "heap after full GC (KiB)", start.heapBytes() / 1024, last.heapBytes() / 1024);
        row(out, "resident set (KiB)", rssStart / 1024, rssEnd / 1024);
        row(out, "live classes (after full GC)", classesStart, classesEnd);
        row(out, "open fds (all)", start.fdCount(), last.fdCount());
        row(out, "open fds on /dev/net/tun", start.fds().getOrDefault("/dev/net/tun", 0),
                last.fds().getOrDefault("/dev/net/tun", 0));
        row(out, "long-lived threads", start.threads().size(), last.threads().size());
        out.append('\n');
        out.append(String.format(Locale.ROOT, "stream h1->h2: sent %d, received %d, lost %d, duplicates %d%n",
                r12.sent(), r12.received(), r12.lost(), r12.duplicates()));
        out.append(String.format(Locale.ROOT, "stream h3->h4: sent %d, received %d, lost %d, duplicates %d%n",
                r34.sent(), r34.received(), r34.lost(), r34.duplicates()));
        out.append(String.format(Locale.ROOT, "random-byte frames sent on %s: %d; random-source frames sent on %s:"
                + " %d%n", GARBAGE_PORT, randomSent, FLOOD_PORT, sourcesSent));
        out.append(String.format(Locale.ROOT, "module uninstall/install pairs: %d; port add/remove cycles: %d%n%n",
                swaps, cycles));
        out.append(String.format(Locale.ROOT, "%-8s %10s %10s  %s%n", "port", "rx", "tx", "rx drops by reason"));
        Map<String, Long> total = new TreeMap<>();
        for (String port : allPorts()) {
            Map<String, Long> drops = delta.rxDrops(port);
            drops.forEach((reason, n) -> total.merge(reason, n, Long::sum));
            out.append(String.format(Locale.ROOT, "%-8s %10d %10d  %s%n", port, delta.rx(port), delta.tx(port),
                    drops));
        }
        out.append("switch-wide rx drops by reason: ").append(total).append('\n');
        out.append("tx drops by reason: ");
        Map<String, Long> tx = new TreeMap<>();
        for (String port : allPorts()) {
            delta.txDrops(port).forEach((reason, n) -> tx.merge(reason, n, Long::sum));
        }
        out.append(tx).append('\n');
        out.append(String.format(Locale.ROOT, "MAC table since the last L2 reinstall: %d entries, %d evicted, %d"
                + " moves, %d flaps%n", end.samples().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("ringswitch_fdb_entries"))
                        .mapToLong(e -> Math.round(e.getValue())).sum(),
                end.get("ringswitch_fdb_evicted_total"), end.get("ringswitch_fdb_moves_total"),
                end.get("ringswitch_fdb_flaps_total")));
        out.append(String.format(Locale.ROOT, "ring: %d publish stalls%n",
                delta.get("ringswitch_ring_publish_stalls_total")));
        out.append('\n').append(failures.isEmpty() ? "PASS" : "FAIL\n  " + String.join("\n  ", failures))
                .append('\n');
        System.out.print(out);
        Files.writeString(karaf.home().resolve("soak-report.txt"), out);
    }

    private static void row(StringBuilder out, String what, long start, long end) {
        out.append(String.format(Locale.ROOT, "%-34s %14d %14d%n", what, start, end));
    }

    private static List<String> allPorts() {
        List<String> ports = new ArrayList<>(IP_PORTS);
        ports.add(GARBAGE_PORT);
        ports.add(FLOOD_PORT);
        return ports;
    }

    private void checkStream(String name, UdpStream.Result r) {
        if (r.lost() != 0 || r.duplicates() != 0 || r.sent() == 0) {
            failures.add("stream " + name + ": " + r);
        }
    }

    private void expectQuiet(CommandResult r) {
        if (r.exitStatus() != 0 || !r.all().isBlank()) {
            failures.add("'" + r.command() + "' said: " + r.all().strip());
        }
    }

    private void admin(String command) throws IOException {
        CommandResult r = karaf.admin(command);
        if (r.exitStatus() != 0) {
            throw new IllegalStateException(r.toString());
        }
    }

    private NetworkNamespace host(int n) {
        return ipHosts.get("rsr-k" + n);
    }

    private static String ip(String port) {
        return "10.78.0." + port.substring(5);
    }

    private void tearDown() throws Exception {
        ipHosts.values().forEach(NetworkNamespace::close);
        if (garbage != null) {
            garbage.close();
        }
        if (flood != null) {
            flood.close();
        }
        if (karaf != null) {
            karaf.close();
        }
    }
}
