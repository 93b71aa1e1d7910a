package dev.ringswitch.api.port;

/**
 * A change to the set of ports or to one port's configuration.
 *
 * @param type what happened
 * @param port the port after the change (for {@link Type#REMOVED}: before)
 * @param previous the configuration before an {@link Type#UPDATED} change, else {@code null}
 */
public record PortEvent(Type type, PortInfo port, PortConfig previous) {

    /** Kinds of change. */
    public enum Type {
        /** A port joined the switch. */
        ADDED,
        /** A port's configuration changed. */
        UPDATED,
        /** A port left the switch; its number may be reused. */
        REMOVED
    }
}
