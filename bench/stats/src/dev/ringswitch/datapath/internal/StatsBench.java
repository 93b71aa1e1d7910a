package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.stats.internal.StatsModule;
import dev.ringswitch.testkit.FakePortService;
import dev.ringswitch.testkit.FrameBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the statistics module costs the switch: frames per second through the real datapath over in-memory ports,
 * with and without the stats observer in the pipeline, measured alternately in the same run (round after round, so
 * that drift of the machine hits both sides alike), plus the module's own per-frame time as the datapath measures it
 * and a single-thread loop over {@code process} alone.
 *
 * <p>Each case: one injector thread offers the same pre-built 64-byte frame to port 0 as fast as the port takes it;
 * a cheap director (reads both MACs, as L2 learning's common case does) keeps the hub's egress set; the egress ports
 * only count. The first part of each case is warm-up.
 *
 * <p>Usage: {@code run.sh [seconds-per-case] [rounds]}; see README.md.
 */
public final class StatsBench {

    private static final int SIZE = 64;
    private static final long LOOP_FRAMES = 200_000_000L;

    private StatsBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf(Locale.ROOT, "%-5s %-16s %-6s %12s %11s %14s %14s %13s%n", "round", "case", "stats",
                "frames/s", "worker ns", "stats ns/frame", "dir. ns/frame", "alloc B/frame");
        for (int ports : new int[] {2, 4}) {
            List<Double> fpsWithout = new ArrayList<>();
            List<Double> fpsWith = new ArrayList<>();
            List<Double> cpuWithout = new ArrayList<>();
            List<Double> cpuWith = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                double[] off = throughput(r, ports, false, seconds);
                double[] on = throughput(r, ports, true, seconds);
                fpsWithout.add(off[0]);
                cpuWithout.add(off[1]);
                fpsWith.add(on[0]);
                cpuWith.add(on[1]);
            }
            double a = median(fpsWithout);
            double b = median(fpsWith);
            System.out.printf(Locale.ROOT, "median %-15s frames/s without %,12.0f  with %,12.0f  change %+5.1f %%%n",
                    label(ports), a, b, (b - a) * 100 / a);
            double c = median(cpuWithout);
            double d = median(cpuWith);
            System.out.printf(Locale.ROOT,
                    "median %-15s worker CPU ns/frame without %.1f  with %.1f  change %+.1f ns%n", label(ports), c, d,
                    d - c);
        }
        loop();
    }

    private static String label(int ports) {
        return ports == 2 ? "1->1 +director" : "flood 1->" + (ports - 1);
    }

    private static double[] throughput(int round, int ports, boolean withStats, int seconds) throws Exception {
        try (BenchSwitch sw = new BenchSwitch(RingSettings.DEFAULTS, "rsm-bench", ports)) {
            DatapathManager dp = sw.dp;
            sw.addDirector();
            if (withStats) {
                // Not activated: the port listener only keeps bases for removed ports; counting needs nothing else.
                dp.addModule(new StatsModule(dp, dp), "ringswitch-stats/bench");
            }
            sw.startInjector(SIZE);
            TimeUnit.SECONDS.sleep(Math.max(2, seconds / 2));
            long[] threads = BenchSwitch.datapathThreadIds();
            long worker = BenchSwitch.workerThreadId();
            long alloc0 = BenchSwitch.allocated(threads);
            long cpu0 = BenchSwitch.cpu(worker);
            long frames0 = sw.firstOut.egressFrames();
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long frames1 = sw.firstOut.egressFrames();
            long t1 = System.nanoTime();
            long cpu1 = BenchSwitch.cpu(worker);
            long alloc1 = BenchSwitch.allocated(threads);
            sw.stopInjector();
            long frames = Math.max(1, frames1 - frames0);
            double fps = frames * 1e9 / (t1 - t0);
            double workerNanos = (cpu1 - cpu0) / (double) frames;
            System.out.printf(Locale.ROOT, "%-5d %-16s %-6s %,12.0f %11.1f %14s %14s %13.3f%n", round,
                    label(ports), withStats ? "on" : "off", fps, workerNanos, nanosPerFrame(dp, "stats"),
                    nanosPerFrame(dp, "bench-director"), (alloc1 - alloc0) / (double) frames);
            return new double[] {fps, workerNanos};
        }
    }

    private static String nanosPerFrame(DatapathManager dp, String module) {
        for (ModuleInfo m : dp.modules()) {
            if (m.name().equals(module)) {
                return String.format(Locale.ROOT, "%.1f", m.meanNanosPerFrame());
            }
        }
        return "-";
    }

    /**
     * The module alone on one thread: {@code process} over a ring-like array of 64 frames (broadcast and unicast,
     * three VLANs), as the worker calls it, against the same loop over an observer that does nothing.
     */
    private static void loop() {
        Frame[] frames = new Frame[64];
        for (int i = 0; i < frames.length; i++) {
            FrameBuilder b = FrameBuilder.ethernet().length(SIZE);
            if (i % 2 == 1) {
                b.destination("02:00:00:00:00:0b");
            }
            frames[i] = b.buildFrame(i % 4);
            frames[i].setVlan(10 * (1 + i % 3));
            frames[i].egress().add((i + 1) % 4);
            if (i % 2 == 0) {
                frames[i].egress().add((i + 2) % 4);
            }
        }
        StatsModule stats = new StatsModule(new FakePortService(), new NoDatapath());
        ForwardingModule empty = new EmptyObserver();
        for (int pass = 0; pass < 3; pass++) {
            double s = loop(stats, frames);
            double e = loop(empty, frames);
            System.out.printf(Locale.ROOT, "loop pass %d: stats.process %.2f ns/frame, empty observer %.2f ns/frame%n",
                    pass + 1, s, e);
        }
    }

    private static double loop(ForwardingModule module, Frame[] frames) {
        long start = System.nanoTime();
        for (long i = 0; i < LOOP_FRAMES; i++) {
            module.process(frames[(int) (i & 63)]);
        }
        return (System.nanoTime() - start) / (double) LOOP_FRAMES;
    }

    /** An observer that does nothing: the loop's own cost. */
    private static final class EmptyObserver implements ForwardingModule {
        @Override
        public String name() {
            return "empty";
        }

        @Override
        public Band band() {
            return Band.OBSERVER;
        }

        @Override
        public void process(Frame frame) {
        }
    }

    /** The stats module's datapath reference, unused by {@code process}. */
    private static final class NoDatapath implements DatapathService {
        @Override
        public DatapathStatus status() {
            throw new UnsupportedOperationException("not read by process");
        }

        @Override
        public List<ModuleInfo> modules() {
            return List.of();
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
