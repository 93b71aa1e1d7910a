package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.api.stats.StatsSnapshot;

import java.util.List;

/** A {@link StatsService} returning the totals the test sets. */
public final class FakeStats implements StatsService {

    private volatile StatsSnapshot totals = new StatsSnapshot(List.of(), List.of());

    /** @param value the totals from now on */
    public void setTotals(StatsSnapshot value) {
        totals = value;
    }

    @Override
    public StatsSnapshot snapshot() {
        throw new UnsupportedOperationException("metrics read totals only: resets must not show in Prometheus");
    }

    @Override
    public StatsSnapshot totals() {
        return totals;
    }

    @Override
    public void reset(String port) {
        throw new UnsupportedOperationException("metrics never reset");
    }

    @Override
    public void resetAll() {
        throw new UnsupportedOperationException("metrics never reset");
    }
}
