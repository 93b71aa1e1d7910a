package dev.ringswitch.api.port;

import java.util.List;
import java.util.Optional;

/**
 * Read side of the switch's ports.
 */
public interface PortService {

    /** @return every port, ordered by name */
    List<PortInfo> ports();

    /**
     * @param name an interface name
     * @return the port, if the switch has it
     */
    Optional<PortInfo> port(String name);

    /**
     * @param number a switch port number
     * @return the port name, or {@code null}; cheap, safe on any thread
     */
    String nameOf(int number);

    /**
     * @param name an interface name
     * @return frames the kernel dropped before the switch could read them ({@link TapPort#kernelQueueDrops()}), or
     *         {@link TapPort#UNKNOWN_COUNT} for a port the switch does not have or whose kernel cannot tell
     */
    default long kernelQueueDrops(String name) {
        return TapPort.UNKNOWN_COUNT;
    }

    /**
     * @param name an interface name
     * @return the network namespace the port's interface is in now ({@link TapPort#currentNetns()}), or {@code null}
     *         for a port the switch does not have or whose kernel cannot tell
     */
    default String currentNetns(String name) {
        return null;
    }

    /** @param listener to be told of port changes; it first receives an ADDED event for every existing port */
    void addListener(PortListener listener);

    /** @param listener no longer to be told */
    void removeListener(PortListener listener);
}
