package dev.ringswitch.api.port;

/**
 * A snapshot of one switch port as the operator sees it.
 *
 * @param config the configuration in effect (name resolved to the kernel's)
 * @param number the switch's port number, 0..{@link dev.ringswitch.api.module.PortSet#CAPACITY}-1, reused after removal
 * @param ifIndex the kernel interface index
 * @param counters the datapath's counters for this port
 */
public record PortInfo(PortConfig config, int number, int ifIndex, PortCounters counters) {

    /** @return the interface name */
    public String name() {
        return config.name();
    }
}
