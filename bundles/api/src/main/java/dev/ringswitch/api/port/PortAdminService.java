package dev.ringswitch.api.port;

/**
 * Write side of the switch's ports. Every method validates fully before changing anything, and either succeeds or
 * leaves the switch, the kernel and the stored configuration as they were.
 */
public interface PortAdminService {

    /**
     * Creates (or attaches to a persistent) TAP interface and adds it to the switch.
     *
     * @param config the port
     * @return the port as added
     * @throws IllegalArgumentException if the name is already a switch port or the config is invalid
     * @throws PortException if the kernel refuses (permission, name in use, ...)
     */
    PortInfo addPort(PortConfig config);

    /**
     * Reconfigures a port in place: link state, MTU, MAC, IPv4 and VLAN changes apply without reopening the fd.
     *
     * @param config the complete new configuration; its name selects the port
     * @return the port after the change
     * @throws IllegalArgumentException if there is no such port or the change needs a reopen (persistence,
     *                                  vnet header, multi-queue)
     */
    PortInfo updatePort(PortConfig config);

    /**
     * Removes a port from the switch and closes its fd; a non-persistent interface disappears.
     *
     * @param name the port
     * @throws IllegalArgumentException if there is no such port
     */
    void removePort(String name);
}
