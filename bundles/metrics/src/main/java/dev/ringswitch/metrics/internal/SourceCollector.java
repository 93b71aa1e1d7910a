package dev.ringswitch.metrics.internal;

import io.prometheus.client.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A collector over one optional service, read afresh at every scrape. When the service is absent (its module is not
 * installed) the collector yields no series at all; when reading it fails (the module is being stopped mid-scrape, a
 * lock timed out) it yields no series for that scrape and logs once until a read succeeds again, so that one module's
 * trouble never fails the whole scrape.
 *
 * @param <S> the service type
 */
abstract class SourceCollector<S> extends Collector {

    private static final Logger LOG = LoggerFactory.getLogger(SourceCollector.class);

    private final String what;
    private final Supplier<? extends S> source;
    private volatile boolean failing;

    /**
     * @param what the source for log messages, e.g. {@code StatsService}
     * @param source the service, or {@code null} when absent; called once per scrape
     */
    SourceCollector(String what, Supplier<? extends S> source) {
        this.what = what;
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public final List<MetricFamilySamples> collect() {
        S service = source.get();
        if (service == null) {
            return new ArrayList<>();
        }
        try {
            List<MetricFamilySamples> samples = collect(service);
            if (failing) {
                failing = false;
                LOG.info("metrics: reading {} works again", what);
            }
            return samples;
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("metrics: reading {} failed; its series are left out of scrapes until it works again", what,
                        e);
            }
            return new ArrayList<>();
        }
    }

    /**
     * Reads the service once and builds every family of this collector.
     *
     * @param service the service, present
     * @return the families
     */
    abstract List<MetricFamilySamples> collect(S service);

    /**
     * Label values for module names that stay unique in a scrape: two modules of the same name (the datapath warns
     * about them but runs both) would otherwise produce duplicate series, which Prometheus rejects.
     *
     * @param names module names in pipeline order
     * @return one label per module: the name, or {@code name#position} for a name that occurs more than once
     */
    static List<String> moduleLabels(List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        for (String n : names) {
            counts.merge(n, 1, Integer::sum);
        }
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            out.add(counts.get(n) == 1 ? n : n + "#" + (i + 1));
        }
        return out;
    }
}
