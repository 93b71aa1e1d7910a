package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.fdb.FlapReport;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;

import java.util.List;
import java.util.function.Supplier;

/**
 * The L2 learning module's forwarding database ({@link FdbService#stats()}: one consistent snapshot per scrape; and
 * {@link FdbService#flaps()}, a second one).
 * Absent module, absent series. A VLAN without entries has no {@code ringswitch_fdb_entries} series. Sample output:
 * <pre>
 * # HELP ringswitch_fdb_entries Entries in the MAC table (learned and static), by VLAN.
 * # TYPE ringswitch_fdb_entries gauge
 * ringswitch_fdb_entries{vlan="10",} 2.0
 * # HELP ringswitch_fdb_static_entries Static entries in the MAC table.
 * # TYPE ringswitch_fdb_static_entries gauge
 * ringswitch_fdb_static_entries 0.0
 * # HELP ringswitch_fdb_max_entries Learned entries the MAC table holds at most.
 * # TYPE ringswitch_fdb_max_entries gauge
 * ringswitch_fdb_max_entries 8192.0
 * # HELP ringswitch_fdb_learned_total Stations learned.
 * # TYPE ringswitch_fdb_learned_total counter
 * ringswitch_fdb_learned_total 2.0
 * # HELP ringswitch_fdb_expired_total Learned entries removed after the aging time.
 * # TYPE ringswitch_fdb_expired_total counter
 * ringswitch_fdb_expired_total 0.0
 * # HELP ringswitch_fdb_evicted_total Learned entries pushed out because the table was full.
 * # TYPE ringswitch_fdb_evicted_total counter
 * ringswitch_fdb_evicted_total 0.0
 * # HELP ringswitch_fdb_moves_total Stations seen on a port other than the one they were learned on.
 * # TYPE ringswitch_fdb_moves_total counter
 * ringswitch_fdb_moves_total 0.0
 * # HELP ringswitch_fdb_flaps_total Stations detected flapping: moved between ports flapMoves times within the window.
 * # TYPE ringswitch_fdb_flaps_total counter
 * ringswitch_fdb_flaps_total 0.0
 * # HELP ringswitch_fdb_flapping_stations Stations flapping now (their flap window is open).
 * # TYPE ringswitch_fdb_flapping_stations gauge
 * ringswitch_fdb_flapping_stations 0.0
 * </pre>
 */
final class FdbCollector extends SourceCollector<FdbService> {

    /** @param fdb the forwarding database, or {@code null} when the L2 module is not installed */
    FdbCollector(Supplier<? extends FdbService> fdb) {
        super("FdbService", fdb);
    }

    @Override
    List<MetricFamilySamples> collect(FdbService service) {
        FdbStats s = service.stats();
        FlapReport flaps = service.flaps();
        GaugeMetricFamily entries = new GaugeMetricFamily("ringswitch_fdb_entries",
                "Entries in the MAC table (learned and static), by VLAN.", List.of("vlan"));
        s.entriesPerVlan().forEach((vlan, n) -> entries.addMetric(List.of(vlan.toString()), n));
        return List.of(entries,
                new GaugeMetricFamily("ringswitch_fdb_static_entries", "Static entries in the MAC table.",
                        s.staticEntries()),
                new GaugeMetricFamily("ringswitch_fdb_max_entries", "Learned entries the MAC table holds at most.",
                        s.maxEntries()),
                new CounterMetricFamily("ringswitch_fdb_learned_total", "Stations learned.", s.learned()),
                new CounterMetricFamily("ringswitch_fdb_expired_total",
                        "Learned entries removed after the aging time.", s.expired()),
                new CounterMetricFamily("ringswitch_fdb_evicted_total",
                        "Learned entries pushed out because the table was full.", s.evicted()),
                new CounterMetricFamily("ringswitch_fdb_moves_total",
                        "Stations seen on a port other than the one they were learned on.", s.moved()),
                new CounterMetricFamily("ringswitch_fdb_flaps_total",
                        "Stations detected flapping: moved between ports flapMoves times within the window.",
                        flaps.detected()),
                new GaugeMetricFamily("ringswitch_fdb_flapping_stations",
                        "Stations flapping now (their flap window is open).", flaps.stations().size()));
    }
}
