package dev.ringswitch.api.fdb;

import dev.ringswitch.api.net.MacAddress;

import java.util.Objects;

/**
 * One row of the forwarding database: frames to {@code mac} in {@code vlan} leave through {@code port}.
 *
 * @param mac the station's address, always unicast
 * @param vlan the VLAN the station was learned in, 1..4094, or 0 on a switch without VLAN classification
 * @param port the name of the port the station sits behind
 * @param ageSeconds seconds since a frame from the station was last seen; 0 for static entries
 * @param isStatic true for an entry added by the operator: it never ages and is never evicted
 */
public record FdbEntry(MacAddress mac, int vlan, String port, int ageSeconds, boolean isStatic) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code mac} or {@code port} is null
     */
    public FdbEntry {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(port, "port");
    }
}
