package dev.ringswitch.shell.internal.support;

import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.testkit.FakePortService;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PortAdminService} over the test kit's {@link FakePortService}: adds, updates and removes its ports, with the
 * datapath's messages for duplicates and misses, and records every call. {@link #failNextWith} makes the next call
 * throw, as the kernel would (permission denied, ...).
 */
public final class FakePortAdmin implements PortAdminService {

    private final FakePortService ports;
    private final List<String> calls = new ArrayList<>();
    private PortException failure;
    private int nextNumber;

    /** @param ports the port view that this admin changes */
    public FakePortAdmin(FakePortService ports) {
        this.ports = ports;
    }

    /** @return the calls made, e.g. {@code add tap0}, in order */
    public List<String> calls() {
        return calls;
    }

    /** @param e thrown by the next call, once */
    public void failNextWith(PortException e) {
        failure = e;
    }

    private void maybeFail() {
        PortException e = failure;
        failure = null;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public PortInfo addPort(PortConfig config) {
        calls.add("add " + config.name());
        maybeFail();
        if (ports.port(config.name()).isPresent()) {
            throw new IllegalArgumentException("port " + config.name() + " is already a switch port");
        }
        String name = config.name().replace("%d", String.valueOf(nextNumber));
        ports.add(name, nextNumber++);
        ports.setConfig(name, new PortConfig(name, config.mtu(), config.mac(), config.ipv4(), config.up(),
                config.persistent(), config.vnetHdr(), config.multiQueue(), config.vlan(), config.netns(),
                config.stormControlPps()));
        return ports.port(name).orElseThrow();
    }

    @Override
    public PortInfo updatePort(PortConfig config) {
        calls.add("update " + config.name());
        maybeFail();
        if (ports.port(config.name()).isEmpty()) {
            throw new IllegalArgumentException("No such port " + config.name());
        }
        ports.setConfig(config.name(), config);
        return ports.port(config.name()).orElseThrow();
    }

    @Override
    public void removePort(String name) {
        calls.add("remove " + name);
        maybeFail();
        if (ports.port(name).isEmpty()) {
            throw new IllegalArgumentException("No such port " + name);
        }
        ports.remove(name);
    }
}
