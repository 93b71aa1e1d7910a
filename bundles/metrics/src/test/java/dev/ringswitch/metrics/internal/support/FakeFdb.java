package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.fdb.FlapReport;
import dev.ringswitch.api.net.MacAddress;

import java.util.List;

/** An {@link FdbService} whose stats and flaps the test sets, or makes fail; the collectors read nothing else. */
public final class FakeFdb implements FdbService {

    private volatile FdbStats stats;
    private volatile FlapReport flaps = FlapReport.NONE;
    private volatile boolean failing;

    /** @param value the stats from now on */
    public void setStats(FdbStats value) {
        stats = value;
    }

    /** @param value the flap report from now on */
    public void setFlaps(FlapReport value) {
        flaps = value;
    }

    @Override
    public FlapReport flaps() {
        return flaps;
    }

    /** @param value whether {@link #stats()} throws, as when the table lock times out */
    public void setFailing(boolean value) {
        failing = value;
    }

    @Override
    public FdbStats stats() {
        if (failing) {
            throw new IllegalStateException("MAC table busy: try again");
        }
        return stats;
    }

    @Override
    public List<FdbEntry> entries(int vlan, String port) {
        throw new UnsupportedOperationException("not read by the collectors");
    }

    @Override
    public int flush() {
        throw new UnsupportedOperationException("not read by the collectors");
    }

    @Override
    public int flushPort(String port) {
        throw new UnsupportedOperationException("not read by the collectors");
    }

    @Override
    public int flushVlan(int vlan) {
        throw new UnsupportedOperationException("not read by the collectors");
    }

    @Override
    public void addStatic(MacAddress mac, int vlan, String port) {
        throw new UnsupportedOperationException("not read by the collectors");
    }

    @Override
    public boolean removeStatic(MacAddress mac, int vlan) {
        throw new UnsupportedOperationException("not read by the collectors");
    }
}
