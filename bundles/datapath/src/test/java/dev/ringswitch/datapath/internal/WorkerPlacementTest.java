package dev.ringswitch.datapath.internal;

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
 * {@code sched_setaffinity} (no privilege needed: a thread may narrow its own affinity); read back from /proc.
 */
class WorkerPlacementTest {

    @Test
    void shouldBindTheWorkerToTheLastCpuByDefault() throws IOException {
        BitSet allowed = cpus(field(Path.of("/proc/self/status"), "Cpus_allowed_list"));
        try (TestSwitch sw = TestSwitch.overTaps()) {
            List<String> workers = threadField("ringswitch-work", "Cpus_allowed_list");
            assertEquals(1, workers.size(), "one worker thread: " + workers);
            String expected = allowed.cardinality() >= 2 ? Integer.toString(allowed.length() - 1)
                    : field(Path.of("/proc/self/status"), "Cpus_allowed_list");
            assertEquals(expected, workers.getFirst(),
                    "the worker's CPUs (the process may use " + allowed + ")");
        }
    }

    /** @return the field of every thread of this process whose name is {@code comm}, once it has bound itself */
    private static List<String> threadField(String comm, String name) throws IOException {
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
            if (values.size() == 1 && !values.getFirst().contains(",") && !values.getFirst().contains("-")) {
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
