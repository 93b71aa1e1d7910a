package dev.ringswitch.api.fdb;

import dev.ringswitch.api.net.MacAddress;

import java.util.Objects;

/**
 * A station that keeps moving between ports: more moves within the flap window than a migrating host makes, the
 * sign of a forwarding loop or of two stations sharing one address.
 *
 * @param mac the station's address
 * @param vlan its VLAN, 1..4094, or 0 on a switch without VLAN classification
 * @param port the name of the port it was last seen on
 * @param previousPort the name of the port it was seen on before that
 * @param moves its moves in its current flap window
 * @since 1.1
 */
public record FlappingStation(MacAddress mac, int vlan, String port, String previousPort, int moves) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code mac} or a port is null
     */
    public FlappingStation {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(previousPort, "previousPort");
    }
}
