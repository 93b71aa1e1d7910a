package dev.ringswitch.api.vlan;

import java.util.List;
import java.util.Optional;

/**
 * Read side of the VLAN module. Ports are configured through
 * {@link dev.ringswitch.api.port.PortAdminService} ({@link dev.ringswitch.api.port.PortConfig#vlan()}); this service
 * shows the resulting VLANs. Absent when the VLAN module is not installed.
 */
public interface VlanService {

    /**
     * @return every VLAN that a port names (as access, native or listed trunk VLAN) or that has carried frames,
     *         ascending by ID; a trunk that allows every VLAN does not by itself list all 4094
     */
    List<VlanInfo> vlans();

    /**
     * @param vid a VLAN ID
     * @return the VLAN, if a port names it or it has carried frames
     */
    Optional<VlanInfo> vlan(int vid);
}
