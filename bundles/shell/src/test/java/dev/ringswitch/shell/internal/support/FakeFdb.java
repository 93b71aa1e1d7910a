package dev.ringswitch.shell.internal.support;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.fdb.FdbStats;
import dev.ringswitch.api.net.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An {@link FdbService} holding a list of entries; filters and flushes as the L2 module does (without its port and
 * VLAN checks) and records the calls.
 */
public final class FakeFdb implements FdbService {

    private final List<FdbEntry> entries = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();

    /** @param entry added to the table as is */
    public void put(FdbEntry entry) {
        entries.add(entry);
    }

    /** @return the calls made, e.g. {@code flushPort tap0} */
    public List<String> calls() {
        return calls;
    }

    @Override
    public List<FdbEntry> entries(int vlan, String port) {
        calls.add("entries " + vlan + " " + port);
        return entries.stream().filter(e -> vlan == ANY_VLAN || e.vlan() == vlan)
                .filter(e -> port == null || e.port().equals(port)).toList();
    }

    @Override
    public int flush() {
        calls.add("flush");
        return removeLearned(e -> true);
    }

    @Override
    public int flushPort(String port) {
        calls.add("flushPort " + port);
        return removeLearned(e -> e.port().equals(port));
    }

    @Override
    public int flushVlan(int vlan) {
        calls.add("flushVlan " + vlan);
        return removeLearned(e -> e.vlan() == vlan);
    }

    private int removeLearned(Predicate<FdbEntry> which) {
        int before = entries.size();
        entries.removeIf(e -> !e.isStatic() && which.test(e));
        return before - entries.size();
    }

    @Override
    public void addStatic(MacAddress mac, int vlan, String port) {
        calls.add("addStatic " + mac + " " + vlan + " " + port);
        entries.add(new FdbEntry(mac, vlan, port, 0, true));
    }

    @Override
    public boolean removeStatic(MacAddress mac, int vlan) {
        calls.add("removeStatic " + mac + " " + vlan);
        return entries.removeIf(e -> e.isStatic() && e.mac().equals(mac) && e.vlan() == vlan);
    }

    @Override
    public FdbStats stats() {
        return new FdbStats(entries.size(), 0, Map.of(), 0, 0, 0, 0, 0, 8192, 300);
    }
}
