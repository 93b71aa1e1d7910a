package dev.ringswitch.shell.internal.support;

import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link StatsService} answering with the snapshot the test sets; resets are recorded, not applied.
 */
public final class FakeStats implements StatsService {

    private final List<String> calls = new ArrayList<>();
    private StatsSnapshot snapshot = new StatsSnapshot(List.of(), List.of());
    private StatsSnapshot totals = snapshot;

    /**
     * @param ports the ports' counters
     * @param vlans the VLANs' counters
     * @param sinceStart what {@link #totals()} answers, for every port
     */
    public void set(List<PortStats> ports, List<VlanStats> vlans, List<PortStats> sinceStart) {
        snapshot = new StatsSnapshot(ports, vlans);
        totals = new StatsSnapshot(sinceStart, vlans);
    }

    /** @return the resets made, e.g. {@code reset tap0}, {@code resetAll} */
    public List<String> calls() {
        return calls;
    }

    @Override
    public StatsSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public StatsSnapshot totals() {
        return totals;
    }

    @Override
    public void reset(String port) {
        if (snapshot.port(port).isEmpty()) {
            throw new IllegalArgumentException("No such port " + port);
        }
        calls.add("reset " + port);
    }

    @Override
    public void resetAll() {
        calls.add("resetAll");
    }
}
