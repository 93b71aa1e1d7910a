package dev.ringswitch.stats.internal.support;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.datapath.PortDropCounters;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link DatapathService} whose per-port drop counters the test sets. */
public final class FakeDatapath implements DatapathService {

    private final Map<String, PortDropCounters> drops = new TreeMap<>();

    /** @param counters a port's drop counters from now on */
    public synchronized void setDrops(PortDropCounters counters) {
        drops.put(counters.port(), counters);
    }

    /** @param port a port whose counters disappear */
    public synchronized void removeDrops(String port) {
        drops.remove(port);
    }

    @Override
    public DatapathStatus status() {
        return new DatapathStatus(drops.size(), 0, 0, 0, List.of(), 0);
    }

    @Override
    public List<ModuleInfo> modules() {
        return List.of();
    }

    @Override
    public synchronized List<PortDropCounters> portDrops() {
        return List.copyOf(drops.values());
    }
}
