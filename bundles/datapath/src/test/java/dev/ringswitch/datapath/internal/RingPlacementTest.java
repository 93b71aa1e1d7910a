package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.testkit.InMemoryPortProvider;
import dev.ringswitch.testkit.InMemoryTapPort;
import org.junit.jupiter.api.Test;

import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker places itself as {@code workerCpu} says while frames flow: with {@code auto} (the default) it binds
 * itself to the last CPU during bulk traffic and releases itself when only small frames come (in-memory ports on a
 * provider that reports two CPUs and records the binds; {@link WorkerPlacementTest} reads a real thread's CPUs).
 */
class RingPlacementTest extends SwitchTestBase {

    private static final int JUMBO = 9000;
    /** A request every 2 ms: far below the bulk rate. */
    private static final long REQUEST_GAP_NANOS = 2_000_000;

    @Test
    void shouldBindTheWorkerWhileBulkTrafficFlowsAndReleaseItWhenRequestsFollow() {
        InMemoryPortProvider provider = twoCpus();
        fx = new SwitchFixture(withoutSentinels(WorkerCpu.parse(RingSettings.DEFAULT_WORKER_CPU)), 0, provider);
        InMemoryTapPort sender = jumboPort("rsd0");
        jumboPort("rsd1").discardEgress(true);
        assertEquals(-1, provider.boundCpu(), "not bound before traffic");

        byte[] jumbo = Traffic.frame(1, 0, JUMBO);
        long deadline = System.nanoTime() + WAIT.toNanos();
        long sent = 0;
        while (provider.boundCpu() != 1 && System.nanoTime() < deadline) {
            Traffic.inject(sender, jumbo);
            sent++;
        }
        assertEquals(1, provider.boundCpu(), "bound to the last CPU while " + JUMBO + "-byte frames flowed ("
                + sent + " sent)");
        Traffic.await("the status tells the worker is bound to CPU 1", () -> fx.datapath.status().workerCpu() == 1,
                WAIT);

        byte[] request = Traffic.frame(1, 1, 98);
        while (provider.boundCpu() != -1 && System.nanoTime() < deadline) {
            Traffic.inject(sender, request);
            LockSupport.parkNanos(REQUEST_GAP_NANOS);
        }
        assertEquals(-1, provider.boundCpu(), "released once only requests came");
        Traffic.await("the status tells the worker is not bound", () -> fx.datapath.status().workerCpu() == -1, WAIT);
        assertEquals(2, provider.placementMoves(), "one bind and one release, no flapping");
    }

    @Test
    void shouldNotBindTheWorkerWithNone() {
        InMemoryPortProvider provider = twoCpus();
        fx = new SwitchFixture(withoutSentinels(WorkerCpu.parse("none")), 0, provider);
        InMemoryTapPort sender = jumboPort("rsd0");
        jumboPort("rsd1").discardEgress(true);
        byte[] jumbo = Traffic.frame(1, 0, JUMBO);
        // Bulk for 30 windows or more, measured by what the switch read.
        long until = System.nanoTime() + 30 * WorkerPlacement.WINDOW_NANOS;
        while (System.nanoTime() < until) {
            Traffic.inject(sender, jumbo);
        }
        long received = fx.datapath.port("rsd0").orElseThrow().counters().rxBytes();
        assertTrue(received > 0, "frames were read");
        assertEquals(0, provider.placementMoves(), "never bound (" + received + " bytes read)");
    }

    /**
     * The defaults with {@code workerCpu}, and without stall sentinels: they bind threads of their own, which the
     * provider would count with the worker's binds ({@code auto} starts them where DAMON samples the machine).
     */
    private static RingSettings withoutSentinels(WorkerCpu workerCpu) {
        RingSettings d = RingSettings.DEFAULTS;
        return new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(),
                d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(), d.ioEngine(),
                workerCpu, StallSentinelsMode.FALSE);
    }

    private static InMemoryPortProvider twoCpus() {
        InMemoryPortProvider provider = new InMemoryPortProvider(8192, InMemoryPortProvider.DEFAULT_SLOT_SIZE);
        provider.simulateCpus(2);
        return provider;
    }

    private InMemoryTapPort jumboPort(String name) {
        fx.datapath.addPort(PortConfig.of(name).withMtu(JUMBO));
        InMemoryTapPort host = fx.provider.require(name);
        fx.hosts.add(host);
        return host;
    }
}
