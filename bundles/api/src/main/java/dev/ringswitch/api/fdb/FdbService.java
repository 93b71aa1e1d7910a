package dev.ringswitch.api.fdb;

import dev.ringswitch.api.net.MacAddress;

import java.util.List;

/**
 * The forwarding database of the L2 learning module: read it, flush it, pin stations with static entries.
 *
 * <p>Every method is safe to call from any thread while traffic flows, and takes effect (or reads the table) even
 * when no frame is moving. Reads are consistent snapshots: never a half-applied update. Errors are
 * {@link IllegalArgumentException}s whose message names the problem and the fix, e.g.
 * {@code no such port tap9: see port-list}.
 */
public interface FdbService {

    /** Passed as the VLAN filter to mean "every VLAN". */
    int ANY_VLAN = -1;

    /** @return every entry, ordered by VLAN, then MAC */
    default List<FdbEntry> entries() {
        return entries(ANY_VLAN, null);
    }

    /**
     * @param vlan only entries of this VLAN (0..4094, 0 = no VLAN), or {@link #ANY_VLAN}
     * @param port only entries behind this port, or {@code null} for every port
     * @return the matching entries, ordered by VLAN, then MAC
     * @throws IllegalArgumentException if the VLAN is out of range or the port does not exist
     */
    List<FdbEntry> entries(int vlan, String port);

    /**
     * Removes every learned entry; static entries stay.
     *
     * @return the number of entries removed
     */
    int flush();

    /**
     * Removes the learned entries behind one port; static entries stay.
     *
     * @param port a port name
     * @return the number of entries removed
     * @throws IllegalArgumentException if the port does not exist
     */
    int flushPort(String port);

    /**
     * Removes the learned entries of one VLAN; static entries stay.
     *
     * @param vlan 0..4094 (0 = no VLAN)
     * @return the number of entries removed
     * @throws IllegalArgumentException if the VLAN is out of range
     */
    int flushVlan(int vlan);

    /**
     * Pins a station to a port. A learned entry for the same (VLAN, MAC) is replaced; an existing static entry is
     * moved to the new port. Static entries never age, are never evicted, are not moved by traffic and are not
     * removed by the flush methods; only {@link #removeStatic} and the removal of their port take them away.
     *
     * @param mac a unicast, non-zero address
     * @param vlan 0..4094 (0 = no VLAN)
     * @param port a port name
     * @throws IllegalArgumentException if the address is multicast or zero, the VLAN out of range, the port unknown
     * @throws IllegalStateException if the table already holds its maximum of static entries
     */
    void addStatic(MacAddress mac, int vlan, String port);

    /**
     * Removes a static entry.
     *
     * @param mac the address
     * @param vlan 0..4094 (0 = no VLAN)
     * @return true if a static entry was removed, false if there was none
     * @throws IllegalArgumentException if the VLAN is out of range
     */
    boolean removeStatic(MacAddress mac, int vlan);

    /** @return a consistent snapshot of the table's size, counters and configuration */
    FdbStats stats();

    /**
     * @return flap detection: flaps detected so far, the thresholds, and the stations flapping now
     * @since 1.1
     */
    default FlapReport flaps() {
        return FlapReport.NONE;
    }
}
