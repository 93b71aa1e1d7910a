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
import java.lang.management.ManagementFactory;

/**
 * The switch the in-memory benches measure: the real datapath over in-memory ports, port 0 fed by an injector thread
 * that offers one pre-built frame as fast as the port's queue takes it, the other ports only counting what they are
 * sent. Also the thread accounting both benches read (CPU time and allocation of the {@code ringswitch-*} threads).
 */
final class BenchSwitch implements AutoCloseable {

    /** The source MAC of every bench frame. */
    static final long SOURCE = 0x0200_0000_0001L;
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    final InMemoryPortProvider provider = new InMemoryPortProvider(4096, 2048);
    final DatapathManager dp = new DatapathManager(provider);
    /** Port 0, fed by {@link #startInjector}. */
    final InMemoryTapPort in;
    /** Port 1, the first that only counts. */
    final InMemoryTapPort firstOut;
    private Thread injector;

    /**
     * @param settings the ring's settings
     * @param prefix port names are prefix0, prefix1, ...
     * @param ports how many ports (at least 2)
     */
    BenchSwitch(RingSettings settings, String prefix, int ports) {
        dp.start(settings);
        InMemoryTapPort[] all = new InMemoryTapPort[ports];
        for (int i = 0; i < ports; i++) {
            dp.addPort(PortConfig.of(prefix + i));
            all[i] = provider.require(prefix + i);
            if (i > 0) {
                all[i].discardEgress(true);
            }
        }
        in = all[0];
        firstOut = all[1];
    }

    /** Adds {@link Director} to the pipeline. */
    void addDirector() {
        dp.addModule(new Director(), "bench/1");
    }

    /**
     * Starts the injector thread.
     *
     * @param size the frame's length in bytes
     */
    void startInjector(int size) {
        MemorySegment frame = frame(size);
        injector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (!in.inject(frame, 0, size)) {
                    Thread.onSpinWait();
                }
            }
        }, "bench-injector");
        injector.setDaemon(true);
        injector.start();
    }

    /**
     * Stops the injector thread.
     *
     * @throws InterruptedException if interrupted while waiting for it
     */
    void stopInjector() throws InterruptedException {
        injector.interrupt();
        injector.join();
    }

    @Override
    public void close() {
        dp.deactivate();
    }

    /**
     * @param size the frame's length in bytes
     * @return an Ethernet frame from {@link #SOURCE} in off-heap memory that lives as long as the JVM
     */
    static MemorySegment frame(int size) {
        MemorySegment frame = Arena.global().allocate(size);
        MemorySegment.copy(MemorySegment.ofArray(FrameBuilder.ethernet().source(new MacAddress(SOURCE)).length(size)
                .build()), 0, frame, 0, size);
        return frame;
    }

    /** @return the ids of the datapath's threads ({@code ringswitch-*}) */
    static long[] datapathThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("ringswitch-"))
                .mapToLong(Thread::threadId).toArray();
    }

    /** @return the worker thread's id */
    static long workerThreadId() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ringswitch-worker"))
                .mapToLong(Thread::threadId).findFirst().orElseThrow();
    }

    /**
     * @param ids thread ids
     * @return their CPU time together, in nanoseconds
     */
    static long cpu(long... ids) {
        long sum = 0;
        for (long id : ids) {
            sum += MX.getThreadCpuTime(id);
        }
        return sum;
    }

    /**
     * @param ids thread ids
     * @return the bytes they allocated together
     */
    static long allocated(long[] ids) {
        long sum = 0;
        for (long b : MX.getThreadAllocatedBytes(ids)) {
            sum += b;
        }
        return sum;
    }

    /** A director as cheap as a real one's common case: reads both MACs, keeps the egress set. */
    static final class Director implements ForwardingModule {
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
}
