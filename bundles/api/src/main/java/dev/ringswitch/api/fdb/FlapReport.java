package dev.ringswitch.api.fdb;

import java.util.List;

/**
 * MAC flapping as the L2 learning module sees it: a station that moves between ports {@code moveThreshold} times
 * within {@code windowSeconds} is flapping. Detection only reports (a rate-limited log line naming the station, this
 * report, a counter); forwarding is not changed.
 *
 * @param detected flaps detected since the module started: a station reaching the threshold counts once per window,
 *                 so a station that flaps for a minute counts about once per window, not once per move
 * @param moveThreshold moves within the window that make a station flapping
 * @param windowSeconds the window, seconds
 * @param stations the stations flapping now (their window has not closed), ordered by VLAN, then MAC
 * @since 1.1
 */
public record FlapReport(long detected, int moveThreshold, int windowSeconds, List<FlappingStation> stations) {

    /** The report of a table that does not detect flapping. */
    public static final FlapReport NONE = new FlapReport(0, 0, 0, List.of());

    /** Copies the stations. */
    public FlapReport {
        stations = List.copyOf(stations);
    }
}
