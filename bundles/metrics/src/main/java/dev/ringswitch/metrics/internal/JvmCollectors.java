package dev.ringswitch.metrics.internal;

import io.prometheus.client.Collector;
import io.prometheus.client.hotspot.BufferPoolsExports;
import io.prometheus.client.hotspot.ClassLoadingExports;
import io.prometheus.client.hotspot.GarbageCollectorExports;
import io.prometheus.client.hotspot.MemoryPoolsExports;
import io.prometheus.client.hotspot.StandardExports;
import io.prometheus.client.hotspot.ThreadExports;
import io.prometheus.client.hotspot.VersionInfoExports;

import java.util.List;

/**
 * The JVM's metrics: simpleclient's {@code DefaultExports} set, built fresh for our own registry (never the static
 * default registry, which would outlive a bundle restart and pin the old bundle's classes), with two changes a switch
 * needs:
 * <ul>
 *   <li>no {@code MemoryAllocationExports}: it adds a GC notification listener to the platform MXBeans and never
 *       removes it, so every bundle restart would leak a listener holding the old class loader;</li>
 *   <li>no {@code jvm_threads_deadlocked} and {@code jvm_threads_deadlocked_monitor}: finding deadlocks is a
 *       stop-the-world VM operation, and a scrape must not pause the datapath threads. The other thread metrics
 *       (counts and states, read without stack traces) need no safepoint.</li>
 * </ul>
 */
final class JvmCollectors {

    private JvmCollectors() {
    }

    /** @return new collectors, not registered */
    static List<Collector> create() {
        return List.of(new StandardExports(), new MemoryPoolsExports(), new BufferPoolsExports(),
                new GarbageCollectorExports(), new ThreadsWithoutDeadlockScan(), new ClassLoadingExports(),
                new VersionInfoExports());
    }

    /** {@link ThreadExports} asked never to compute the deadlock metrics. */
    private static final class ThreadsWithoutDeadlockScan extends Collector {

        private final ThreadExports threads = new ThreadExports();

        @Override
        public List<MetricFamilySamples> collect() {
            return threads.collect(name -> !name.startsWith("jvm_threads_deadlocked"));
        }
    }
}
