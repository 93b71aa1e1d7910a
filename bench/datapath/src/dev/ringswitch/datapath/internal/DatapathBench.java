package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.InMemoryPortProvider;
import dev.ringswitch.testkit.InMemoryTapPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
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

    private static final long SOURCE = 0x0200_0000_0001L;

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

    /** A director as cheap as a real one's common case: reads the destination, keeps the egress set. */
    private static final class Director implements ForwardingModule {
        long sink;

        @Override
        public String name() {
            return "bench-director";
        }

        @Override
        public Band band() {
            return Band.DIRECTOR;
        }

        @Override
        public void process(Frame frame) {
            sink += frame.destination() ^ frame.source();
        }
    }

    private static void throughput(String strategy, int size, int ports, boolean module, int seconds)
            throws Exception {
        InMemoryPortProvider provider = new InMemoryPortProvider(4096, 2048);
        DatapathManager dp = new DatapathManager(provider);
        dp.start(settings(strategy));
        try {
            InMemoryTapPort in = null;
            InMemoryTapPort[] outs = new InMemoryTapPort[ports - 1];
            for (int i = 0; i < ports; i++) {
                dp.addPort(PortConfig.of("bench" + i));
                InMemoryTapPort p = provider.require("bench" + i);
                if (i == 0) {
                    in = p;
                } else {
                    p.discardEgress(true);
                    outs[i - 1] = p;
                }
            }
            if (module) {
                dp.addModule(new Director(), "bench/1");
            }
            byte[] bytes = FrameBuilder.ethernet().source(new MacAddress(SOURCE)).length(size)
                    .build();
            MemorySegment frame = Arena.global().allocate(size);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, frame, 0, size);
            InMemoryTapPort source = in;
            Thread injector = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    if (!source.inject(frame, 0, size)) {
                        Thread.onSpinWait();
                    }
                }
            }, "bench-injector");
            injector.setDaemon(true);
            injector.start();
            TimeUnit.SECONDS.sleep(Math.max(2, seconds / 2));
            long[] threads = datapathThreadIds();
            long alloc0 = allocated(threads);
            long frames0 = outs[0].egressFrames();
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long frames1 = outs[0].egressFrames();
            long t1 = System.nanoTime();
            long alloc1 = allocated(threads);
            injector.interrupt();
            injector.join();
            double fps = (frames1 - frames0) * 1e9 / (t1 - t0);
            double gbps = fps * size * 8 * (ports - 1) / 1e9;
            String label = (ports == 2 ? "1->1" : "flood 1->" + (ports - 1)) + (module ? " +director" : " hub");
            System.out.printf(Locale.ROOT, "%-14s %-22s %6d %12.0f %9.2f %12.3f%n", strategy, label, size, fps, gbps,
                    (alloc1 - alloc0) / (double) Math.max(1, frames1 - frames0));
        } finally {
            dp.deactivate();
        }
    }

    private static void latency(String strategy, int size, int samples) {
        InMemoryPortProvider provider = new InMemoryPortProvider(4096, 2048);
        DatapathManager dp = new DatapathManager(provider);
        dp.start(settings(strategy));
        try {
            dp.addPort(PortConfig.of("lat0"));
            dp.addPort(PortConfig.of("lat1"));
            InMemoryTapPort in = provider.require("lat0");
            InMemoryTapPort out = provider.require("lat1");
            MemorySegment frame = Arena.global().allocate(size);
            MemorySegment.copy(MemorySegment.ofArray(FrameBuilder.ethernet().length(size).build()), 0, frame, 0,
                    size);
            long[] nanos = new long[samples];
            for (int i = 0; i < samples + 2000; i++) {
                long start = System.nanoTime();
                in.inject(frame, 0, size);
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
            long[] threads = datapathThreadIds();
            long cpu0 = cpu(threads);
            long idle0 = System.nanoTime();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            double idleCpu = 100.0 * (cpu(threads) - cpu0) / (System.nanoTime() - idle0);
            System.out.printf(Locale.ROOT, "latency %-14s %5d B: median %6.1f us, p99 %7.1f us, max %8.1f us;"
                    + " idle CPU of both datapath threads %5.1f %%%n", strategy, size, nanos[samples / 2] / 1e3,
                    nanos[samples * 99 / 100] / 1e3, nanos[samples - 1] / 1e3, idleCpu);
        } finally {
            dp.deactivate();
        }
    }

    private static long[] datapathThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("ringswitch-"))
                .mapToLong(Thread::threadId).toArray();
    }

    private static long cpu(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += ManagementFactory.getThreadMXBean().getThreadCpuTime(id);
        }
        return sum;
    }

    private static long allocated(long[] ids) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(ids)) {
            sum += b;
        }
        return sum;
    }
}
