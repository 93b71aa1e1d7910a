package dev.ringswitch.api.stats;

import java.util.Optional;

/**
 * The statistics module's counters. Absent when the module is not installed.
 *
 * <p>Two views of the same counters. {@link #snapshot()} is the operator's: counters since the last
 * {@link #reset}, as an interface's counters read after "clear counters". {@link #totals()} is the monitoring
 * system's: counters since the module started, untouched by resets, so that a Prometheus counter never goes back
 * because an operator cleared a port (routers keep SNMP counters out of "clear counters" for the same reason).
 *
 * <p>Every method is safe on any thread while traffic flows, and none of them stops or slows the datapath: the
 * counters are written by the datapath threads alone and read without locks; values may lag by one batch.
 */
public interface StatsService {

    /** @return every port's and VLAN's counters since the last reset */
    StatsSnapshot snapshot();

    /**
     * @param port a port name
     * @return the port's counters since its last reset, or empty if the switch has no such port
     */
    default Optional<PortStats> port(String port) {
        return snapshot().port(port);
    }

    /** @return every port's and VLAN's counters since the module started (or the port joined), never reset */
    StatsSnapshot totals();

    /**
     * Starts a port's counters in {@link #snapshot()} from zero again; {@link #totals()} is unaffected.
     *
     * @param port a port name
     * @throws IllegalArgumentException if the switch has no such port
     */
    void reset(String port);

    /** Starts every port's and VLAN's counters in {@link #snapshot()} from zero again. */
    void resetAll();
}
