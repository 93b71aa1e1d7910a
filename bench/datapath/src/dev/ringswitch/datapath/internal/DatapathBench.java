package dev.ringswitch.datapath.internal;

import dev.ringswitch.testkit.InMemoryTapPort;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput, added latency and allocation of the datapath over in-memory ports (no kernel, no syscalls: this measures
 * the ring, the pipeline and the bookkeeping, not TAP I/O).
 *
 * <p>Throughput: one injector thread offers the same pre-built frame to port 0 as fast as the port's queue takes it;
 * the switch forwards to port 1 (and floods to more ports when asked), whose writes are only counted. Allocation:
 * bytes allocated by the two datapath threads during the measurement window (ThreadMXBean), divided by frames.
 * Latency: one frame at a time, timestamp in the payload, injected and polled back; reports median and 99th percentile.
 *
 * <p>Usage: {@code run.sh [seconds] [waitStrategy...]}; see README.md.
 */
public final class DatapathBench {

    private DatapathBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String[] strategies = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"lite-blocking"};
        System.out.printf(Locale.ROOT, "%-14s %-22s %6s %12s %9s %12s%n", "waitStrategy", "case", "bytes",
                "frames/s", "Gbit/s", "alloc B/frame");
        for (String strategy : strategies) {
            for (int size : new int[] {64, 1500}) {
                throughput(strategy, size, 2, false, seconds);
                throughput(strategy, size, 2, true, seconds);
                throughput(strategy, size, 4, false, seconds);
            }
        }
        for (String strategy : strategies) {
            latency(strategy, 64, 20_000);
        }
    }

    private static RingSettings settings(String strategy) {
        RingSettings d = RingSettings.DEFAULTS;
        return new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                WaitStrategyKind.parse(strategy), d.quiesceTimeoutMillis(), d.moduleFailureThreshold());
    }

    private static void throughput(String strategy, int size, int ports, boolean module, int seconds)
            throws Exception {
        try (BenchSwitch sw = new BenchSwitch(settings(strategy), "bench", ports)) {
            if (module) {
                sw.addDirector();
            }
            sw.startInjector(size);
            TimeUnit.SECONDS.sleep(Math.max(2, seconds / 2));
            long[] threads = BenchSwitch.datapathThreadIds();
            long alloc0 = BenchSwitch.allocated(threads);
            long frames0 = sw.firstOut.egressFrames();
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long frames1 = sw.firstOut.egressFrames();
            long t1 = System.nanoTime();
            long alloc1 = BenchSwitch.allocated(threads);
            sw.stopInjector();
            double fps = (frames1 - frames0) * 1e9 / (t1 - t0);
            double gbps = fps * size * 8 * (ports - 1) / 1e9;
            String label = (ports == 2 ? "1->1" : "flood 1->" + (ports - 1)) + (module ? " +director" : " hub");
            System.out.printf(Locale.ROOT, "%-14s %-22s %6d %12.0f %9.2f %12.3f%n", strategy, label, size, fps, gbps,
                    (alloc1 - alloc0) / (double) Math.max(1, frames1 - frames0));
        }
    }

    private static void latency(String strategy, int size, int samples) {
        try (BenchSwitch sw = new BenchSwitch(settings(strategy), "lat", 2)) {
            InMemoryTapPort out = sw.firstOut;
            out.discardEgress(false);
            MemorySegment frame = BenchSwitch.frame(size);
            long[] nanos = new long[samples];
            for (int i = 0; i < samples + 2000; i++) {
                long start = System.nanoTime();
                sw.in.inject(frame, 0, size);
                while (out.pollEgress() == null) {
                    // Yield rather than spin: on 2 cores a spinning poller would compete with the datapath threads.
                    Thread.yield();
                }
                long took = System.nanoTime() - start;
                if (i >= 2000) {
                    nanos[i - 2000] = took;
                }
                // Space the frames out as sparse traffic would, so that an idle worker has to be woken each time.
                LockSupport.parkNanos(50_000);
            }
            Arrays.sort(nanos);
            long[] threads = BenchSwitch.datapathThreadIds();
            long cpu0 = BenchSwitch.cpu(threads);
            long idle0 = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            double idleCpu = 100.0 * (BenchSwitch.cpu(threads) - cpu0) / (System.nanoTime() - idle0);
            System.out.printf(Locale.ROOT, "latency %-14s %5d B: median %6.1f us, p99 %7.1f us, max %8.1f us;"
                    + " idle CPU of both datapath threads %5.1f %%%n", strategy, size, nanos[samples / 2] / 1e3,
                    nanos[samples * 99 / 100] / 1e3, nanos[samples - 1] / 1e3, idleCpu);
        }
    }
}
