package dev.ringswitch.shell.internal.support;

import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanService;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link VlanService} answering with the VLANs the test adds.
 */
public final class FakeVlans implements VlanService {

    private final List<VlanInfo> vlans = new ArrayList<>();

    /** @param vlan appended */
    public void add(VlanInfo vlan) {
        vlans.add(vlan);
    }

    @Override
    public List<VlanInfo> vlans() {
        return List.copyOf(vlans);
    }

    @Override
    public Optional<VlanInfo> vlan(int vid) {
        return vlans.stream().filter(v -> v.vid() == vid).findFirst();
    }
}
