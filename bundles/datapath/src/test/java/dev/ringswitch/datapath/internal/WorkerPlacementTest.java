package dev.ringswitch.datapath.internal;

import dev.ringswitch.tap.internal.TapPortProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker thread binds itself to the CPU {@code workerCpu} names, through the real TAP provider's
 * {@code sched_setaffinity} (no privilege needed: a thread may narrow its own affinity), or stays unbound while idle;
 * read back from /proc.
 */
class WorkerPlacementTest {

    @Test
    void shouldBindTheWorkerToANumberedCpuAtOnce() throws IOException {
        BitSet allowed = cpus(field(Path.of("/proc/self/status"), "Cpus_allowed_list"));
        String last = Integer.toString(allowed.length() - 1);
        assertEquals(last, workerCpusUnder(last), "the worker's CPUs (the process may use " + allowed + ")");
    }

    @Test
    void shouldLeaveAnIdleWorkerToTheSchedulerByDefault() throws IOException {
        // auto binds only while bulk traffic flows (RingPlacementTest); this switch has no port.
        assertEquals(field(Path.of("/proc/self/status"), "Cpus_allowed_list"),
                workerCpusUnder(RingSettings.DEFAULT_WORKER_CPU), "the worker may run on every CPU the process may");
        assertEquals(field(Path.of("/proc/self/status"), "Cpus_allowed_list"), workerCpusUnder("none"));
    }

    /** @return the worker thread's Cpus_allowed_list under a switch over real TAPs with that workerCpu */
    private static String workerCpusUnder(String workerCpu) throws IOException {
        RingSettings d = RingSettings.DEFAULTS;
        RingSettings settings = new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(),
                d.waitStrategy(), d.quiesceTimeoutMillis(), d.moduleFailureThreshold(), d.offloads(), d.handOver(),
                d.ioEngine(), WorkerCpu.parse(workerCpu));
        TapPortProvider provider = new TapPortProvider();
        provider.activate();
        DatapathManager datapath = new DatapathManager(provider);
        try {
            datapath.start(settings);
            boolean bind = settings.workerCpu().cpu() >= 0;
            List<String> workers = threadField("ringswitch-work", "Cpus_allowed_list", bind);
            assertEquals(1, workers.size(), "one worker thread: " + workers);
            return workers.getFirst();
        } finally {
            datapath.deactivate();
            provider.deactivate();
        }
    }

    /**
     * @param bound whether to wait until the thread has bound itself to one CPU
     * @return the field of every thread of this process whose name is {@code comm}
     */
    private static List<String> threadField(String comm, String name, boolean bound) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> values = new ArrayList<>();
        do {
            values.clear();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (Files.readString(task.resolve("comm")).strip().equals(comm)) {
                            values.add(field(task.resolve("status"), name));
                        }
                    } catch (IOException ended) {
                        // the thread ended while we looked
                    }
                }
            }
            // The worker binds itself as it starts: wait until it has (or until the deadline, then report).
            if (values.size() == 1 && (!bound || !values.getFirst().contains(",") && !values.getFirst().contains("-"))) {
                break;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return values;
    }

    private static String field(Path status, String name) throws IOException {
        return Files.readAllLines(status).stream().filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).strip()).findFirst().orElseThrow();
    }

    /** @param list e.g. {@code 0-1,4} */
    private static BitSet cpus(String list) {
        BitSet set = new BitSet();
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            int from = Integer.parseInt(range[0]);
            set.set(from, Integer.parseInt(range[range.length - 1]) + 1);
        }
        return set;
    }
}
