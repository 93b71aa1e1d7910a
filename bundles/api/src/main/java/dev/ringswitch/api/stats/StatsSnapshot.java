package dev.ringswitch.api.stats;

import java.util.List;
import java.util.Optional;

/**
 * Counters of every port and VLAN, read at one moment (each counter is exact, the set is not atomic: traffic may
 * move on between two ports' reads).
 *
 * @param ports one entry per switch port, ordered by name
 * @param vlans one entry per VLAN that has carried frames, ascending by VLAN ID
 */
public record StatsSnapshot(List<PortStats> ports, List<VlanStats> vlans) {

    /** Copies the lists. */
    public StatsSnapshot {
        ports = List.copyOf(ports);
        vlans = List.copyOf(vlans);
    }

    /**
     * @param name a port name
     * @return that port's counters, if the snapshot has the port
     */
    public Optional<PortStats> port(String name) {
        return ports.stream().filter(p -> p.port().equals(name)).findFirst();
    }

    /**
     * @param vid a VLAN ID, 0 for frames of a switch without VLAN classification
     * @return that VLAN's counters, if it has carried frames
     */
    public Optional<VlanStats> vlan(int vid) {
        return vlans.stream().filter(v -> v.vlan() == vid).findFirst();
    }
}
