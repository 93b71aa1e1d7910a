package dev.ringswitch.api.datapath;

import java.util.List;

/**
 * Read side of the datapath.
 */
public interface DatapathService {

    /** @return the ring and thread status */
    DatapathStatus status();

    /** @return the forwarding modules in pipeline order, including failed ones */
    List<ModuleInfo> modules();

    /**
     * @return every port's drop and error counters by reason, ordered by port name; empty from a datapath that does
     *         not count them
     * @since 1.1
     */
    default List<PortDropCounters> portDrops() {
        return List.of();
    }

    /**
     * @return the processing-time histogram of every module, in pipeline order; empty from a datapath that does not
     *         keep them
     * @since 1.1
     */
    default List<ModuleTiming> moduleTimings() {
        return List.of();
    }
}
