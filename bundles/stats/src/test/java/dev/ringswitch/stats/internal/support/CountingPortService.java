package dev.ringswitch.stats.internal.support;

import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.testkit.FakePortService;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test kit's {@link FakePortService} with datapath counters the test sets per port, as the datapath's port
 * manager reports them.
 */
public final class CountingPortService implements PortService {

    private final FakePortService ports = new FakePortService();
    private final Map<String, PortCounters> counters = new ConcurrentHashMap<>();

    /** @param name the port @param number its number @return the port */
    public PortInfo add(String name, int number) {
        return ports.add(name, number);
    }

    /** @param name the port to remove, with its counters */
    public void remove(String name) {
        counters.remove(name);
        ports.remove(name);
    }

    /** @param name a port @param value its datapath counters from now on */
    public void setCounters(String name, PortCounters value) {
        counters.put(name, value);
    }

    /** @return listeners registered */
    public int listenerCount() {
        return ports.listenerCount();
    }

    private PortInfo withCounters(PortInfo p) {
        return new PortInfo(p.config(), p.number(), p.ifIndex(), counters.getOrDefault(p.name(), PortCounters.ZERO));
    }

    @Override
    public List<PortInfo> ports() {
        return ports.ports().stream().map(this::withCounters).toList();
    }

    @Override
    public Optional<PortInfo> port(String name) {
        return ports.port(name).map(this::withCounters);
    }

    @Override
    public String nameOf(int number) {
        return ports.nameOf(number);
    }

    @Override
    public void addListener(PortListener listener) {
        ports.addListener(listener);
    }

    @Override
    public void removeListener(PortListener listener) {
        ports.removeListener(listener);
    }
}
