package dev.ringswitch.api.fdb;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent snapshot of the forwarding database's size and counters. The counters run from the module's start
 * and never go back, so a scrape can treat them as Prometheus counters.
 *
 * @param entries entries in the table now, learned and static
 * @param staticEntries static entries among them
 * @param entriesPerVlan entries per VLAN (learned and static), ordered by VLAN; VLANs without entries are absent
 * @param learned stations learned (a new entry for a (VLAN, MAC) the table did not hold)
 * @param expired learned entries removed because no frame came from the station for {@code agingSeconds}
 * @param evicted learned entries pushed out because the table was full
 * @param moved stations seen on a port other than the one they were learned on (station moves)
 * @param invalidSourceDrops frames dropped because their source MAC was multicast, broadcast or all-zero
 * @param maxEntries the configured limit of learned entries
 * @param agingSeconds the configured aging time, in seconds
 */
public record FdbStats(int entries, int staticEntries, Map<Integer, Integer> entriesPerVlan, long learned,
                       long expired, long evicted, long moved, long invalidSourceDrops, int maxEntries,
                       int agingSeconds) {

    /** Copies {@code entriesPerVlan} into an unmodifiable map ordered by VLAN. */
    public FdbStats {
        entriesPerVlan = Collections.unmodifiableMap(new TreeMap<>(entriesPerVlan));
    }
}
