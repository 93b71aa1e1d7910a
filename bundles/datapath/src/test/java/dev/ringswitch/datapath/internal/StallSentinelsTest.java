package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.tap.internal.TapPortProvider;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stallSentinels = true} starts one thread per CPU, bound to it (read back from /proc through the real TAP
 * provider's {@code sched_setaffinity}), listed among the datapath's threads and stopped with the ring; by default
 * only where DAMON samples this virtual machine's memory.
 */
class StallSentinelsTest {

    @Test
    void shouldBindOneSentinelToEachCpuAndStopThemWithTheRing() throws Exception {
        onTaps(withSentinels(StallSentinelsMode.TRUE), (provider, datapath) -> {
            Map<String, String> expected = new TreeMap<>();
            if (provider.allowedCpus().cardinality() >= 2) {
                provider.allowedCpus().stream().forEach(c -> expected.put("ringswitch-sentinel-" + c,
                        Integer.toString(c)));
            }
            assertEquals(expected, awaitSentinels(expected.size()), "sentinel threads and the CPUs they may use");
            assertTrue(datapath.status().threads().containsAll(expected.keySet()), datapath.status().threads()
                    .toString());
        });
        assertEquals(Map.of(), sentinels(), "sentinels left after the datapath stopped");
    }

    @Test
    void aSentinelWhoseCpuRefusesItEnds_andIsNotListed() throws Exception {
        // Two CPUs, but threads cannot be bound: a sentinel would take the stall on no CPU in particular.
        PortProvider unbindable = new TwoCpusNoPorts();
        StallSentinels sentinels = new StallSentinels(unbindable, () -> true);
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!sentinels.threadNames().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(List.of(), sentinels.threadNames(), "sentinels that could not bind are still listed");
        } finally {
            sentinels.stop(5_000);
        }
    }

    @Test
    void aPausedSentinelRunsAsSoonAsItIsWoken() throws Exception {
        InMemoryPortProvider twoCpus = new InMemoryPortProvider();
        twoCpus.simulateCpus(2);
        AtomicBoolean active = new AtomicBoolean();
        AtomicInteger probes = new AtomicInteger();
        // Paused for an hour: within this test only wake() can make them look again.
        StallSentinels sentinels = new StallSentinels(twoCpus, active::get, probes::incrementAndGet,
                TimeUnit.HOURS.toNanos(1));
        try {
            Thread.sleep(50);
            assertEquals(0, probes.get(), "probes sent while no traffic flows");
            active.set(true);
            sentinels.wake();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (probes.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(probes.get() > 0, "woken as light traffic began, the first sentinel sent no probe");
            assertEquals(2, sentinels.threadNames().size(), sentinels.threadNames().toString());
        } finally {
            sentinels.stop(5_000);
        }
        assertEquals(List.of(), sentinels.threadNames(), "sentinels left after stop");
    }

    @Test
    void shouldStartSentinelsByDefaultOnlyWhereDamonSamplesThisVirtualMachine() throws Exception {
        onTaps(RingSettings.DEFAULTS, (provider, datapath) -> {
            boolean expected = DamonSampling.onThisMachine().isPresent() && provider.allowedCpus().cardinality() >= 2;
            int count = expected ? provider.allowedCpus().cardinality() : 0;
            assertEquals(count, awaitSentinels(count).size(), "sentinels with stallSentinels = auto, where DAMON says "
                    + DamonSampling.onThisMachine());
            assertEquals(expected, datapath.status().threads().stream()
                    .anyMatch(n -> n.startsWith("ringswitch-sentinel")), datapath.status().threads().toString());
        });
    }

    @Test
    void shouldStartNoSentinelWhenTurnedOff() throws Exception {
        onTaps(withSentinels(StallSentinelsMode.FALSE), (provider, datapath) -> {
            assertEquals(Map.of(), sentinels());
            assertTrue(datapath.status().threads().stream().noneMatch(n -> n.startsWith("ringswitch-sentinel")));
        });
    }

    @Test
    void probeFramesAreRead_seenByNoModule_andCountAsNoTraffic() throws Exception {
        onTaps(withSentinels(StallSentinelsMode.TRUE), (provider, datapath) -> {
            TestModule observer = new TestModule("observer", Band.OBSERVER, 0, f -> { });
            datapath.addModule(observer, "test/1");
            Ring ring = datapath.ring();
            assertNotNull(ring.probeEntry(), "the sentinels' probe port is open");
            for (int round = 1; round <= 2; round++) {
                for (int i = 0; i < 25; i++) {
                    ring.sendProbe();
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (ring.probeFramesRead() < 25L * round && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                // The worker decides on its traffic once a 10 ms window has passed, at its next wakeup.
                Thread.sleep(20);
            }
            assertEquals(50, ring.probeFramesRead(), "probe frames the worker read (no light traffic: none sent by"
                    + " the sentinels themselves)");
            assertEquals(0, observer.processed.get(), "probe frames a module saw");
            assertFalse(ring.latencySensitive(), "probe frames counted as traffic would keep the sentinels running");
        });
    }

    @Test
    void noProbePortWithoutSentinels() throws Exception {
        onTaps(withSentinels(StallSentinelsMode.FALSE),
                (provider, datapath) -> assertNull(datapath.ring().probeEntry()));
    }

    /** A test's body, given the real TAP provider and a datapath started over it. */
    @FunctionalInterface
    private interface OnTaps {
        void run(TapPortProvider provider, DatapathManager datapath) throws Exception;
    }

    /** Starts a datapath with {@code settings} over the real TAP provider, runs {@code body}, then stops both. */
    private static void onTaps(RingSettings settings, OnTaps body) throws Exception {
        TapPortProvider provider = new TapPortProvider();
        provider.activate();
        DatapathManager datapath = new DatapathManager(provider);
        try {
            datapath.start(settings);
            body.run(provider, datapath);
        } finally {
            datapath.deactivate();
            provider.deactivate();
        }
    }

    private static RingSettings withSentinels(StallSentinelsMode on) {
        RingSettings d = RingSettings.DEFAULTS;
        return new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(),
                d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(), d.ioEngine(),
                d.workerCpu(), on);
    }

    /** @return the sentinels once there are {@code count} of them, each bound (or what there is after 10 s) */
    private static Map<String, String> awaitSentinels(int count) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Map<String, String> found;
        do {
            found = sentinels();
            if (found.size() == count && found.values().stream().noneMatch(c -> c.contains(",") || c.contains("-"))) {
                break;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return found;
    }

    /**
     * @return the live sentinel threads of this process, each named by its Cpus_allowed_list as the test expects the
     *         thread on that CPU to be named (the kernel's 15-character comm cuts the CPU off the name)
     */
    private static Map<String, String> sentinels() throws IOException {
        Map<String, String> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).strip().equals("ringswitch-sent")) {
                        continue;
                    }
                    String list = Files.readAllLines(task.resolve("status")).stream()
                            .filter(l -> l.startsWith("Cpus_allowed_list:"))
                            .map(l -> l.substring("Cpus_allowed_list:".length()).strip()).findFirst().orElseThrow();
                    byName.put("ringswitch-sentinel-" + list, list);
                } catch (IOException ended) {
                    // the thread ended while we looked
                }
            }
        }
        return byName;
    }
}
