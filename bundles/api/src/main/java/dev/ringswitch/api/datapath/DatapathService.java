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
}
