package dev.ringswitch.api.port;

/**
 * Receives {@link PortEvent}s. Called on a control thread, never on the datapath; must not block.
 */
@FunctionalInterface
public interface PortListener {

    /** @param event what changed */
    void portChanged(PortEvent event);
}
