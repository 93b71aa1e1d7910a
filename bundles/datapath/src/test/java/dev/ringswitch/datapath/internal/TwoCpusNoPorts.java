package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;

import java.util.BitSet;

/**
 * A provider that reports two CPUs and opens no ports, for tests of how datapath threads are placed; by default it
 * cannot bind threads ({@link PortProvider#openThreadPlacement()}'s default).
 */
class TwoCpusNoPorts implements PortProvider {

    @Override
    public TapPort open(PortConfig config) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ReadinessSelector openSelector() {
        throw new UnsupportedOperationException();
    }

    @Override
    public BitSet allowedCpus() {
        BitSet cpus = new BitSet();
        cpus.set(0, 2);
        return cpus;
    }
}
