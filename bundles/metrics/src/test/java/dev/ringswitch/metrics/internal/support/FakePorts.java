package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link PortService} whose ports and counters the test sets; listeners are not used by the collectors. */
public final class FakePorts implements PortService {

    private final Map<String, PortInfo> ports = new TreeMap<>();

    /**
     * @param name a port
     * @param number its number
     * @param counters its datapath counters
     */
    public synchronized void put(String name, int number, PortCounters counters) {
        ports.put(name, new PortInfo(PortConfig.of(name), number, 100 + number, counters));
    }

    /** @param name the port to remove */
    public synchronized void remove(String name) {
        ports.remove(name);
    }

    @Override
    public synchronized List<PortInfo> ports() {
        return List.copyOf(ports.values());
    }

    @Override
    public synchronized Optional<PortInfo> port(String name) {
        return Optional.ofNullable(ports.get(name));
    }

    @Override
    public synchronized String nameOf(int number) {
        return ports.values().stream().filter(p -> p.number() == number).map(PortInfo::name).findFirst()
                .orElse(null);
    }

    @Override
    public void addListener(PortListener listener) {
        throw new UnsupportedOperationException("collectors do not listen");
    }

    @Override
    public void removeListener(PortListener listener) {
        throw new UnsupportedOperationException("collectors do not listen");
    }
}
