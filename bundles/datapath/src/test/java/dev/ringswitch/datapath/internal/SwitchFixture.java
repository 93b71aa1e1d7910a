package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.testkit.InMemoryPortProvider;
import dev.ringswitch.testkit.InMemoryTapPort;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A datapath over in-memory ports, started with explicit settings, for the unit tests.
 */
final class SwitchFixture implements AutoCloseable {

    final InMemoryPortProvider provider;
    final DatapathManager datapath;
    final List<InMemoryTapPort> hosts = new ArrayList<>();

    SwitchFixture(RingSettings settings, int ports) {
        this(settings, ports, new InMemoryPortProvider(8192, 2048));
    }

    SwitchFixture(RingSettings settings, int ports, InMemoryPortProvider provider) {
        this(settings, ports, provider, FrameWriter::new);
    }

    SwitchFixture(RingSettings settings, int ports, InMemoryPortProvider provider, Supplier<FrameWriter> egress) {
        this.provider = provider;
        this.datapath = new DatapathManager(provider);
        datapath.setEgressWriters(egress);
        datapath.start(settings);
        for (int i = 0; i < ports; i++) {
            addPort("rsd" + i);
        }
    }

    static RingSettings settings() {
        return RingSettings.DEFAULTS;
    }

    static RingSettings withThreshold(int threshold) {
        RingSettings d = RingSettings.DEFAULTS;
        return new RingSettings(d.ringSize(), d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(),
                d.quiesceTimeoutMillis(), threshold);
    }

    InMemoryTapPort addPort(String name) {
        datapath.addPort(PortConfig.of(name));
        InMemoryTapPort host = provider.require(name);
        hosts.add(host);
        return host;
    }

    InMemoryTapPort host(int index) {
        return hosts.get(index);
    }

    @Override
    public void close() {
        datapath.deactivate();
    }
}
