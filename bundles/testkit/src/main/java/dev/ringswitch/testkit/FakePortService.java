package dev.ringswitch.testkit;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.vlan.VlanConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link PortService} for module tests: the test adds, reconfigures and removes ports, and listeners get the events
 * synchronously on the test's thread, as the real port manager delivers them on its control thread. A new listener
 * first receives an ADDED event for every existing port, as the contract says.
 */
public final class FakePortService implements PortService {

    private final Map<String, PortInfo> byName = new ConcurrentHashMap<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final List<PortListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> currentNetns = new ConcurrentHashMap<>();

    /**
     * @param name the port name
     * @param number its switch port number
     * @return the port, without VLAN configuration
     */
    public PortInfo add(String name, int number) {
        return add(name, number, VlanConfig.NONE);
    }

    /**
     * @param name the port name
     * @param number its switch port number
     * @param vlan its 802.1Q configuration
     * @return the port
     */
    public PortInfo add(String name, int number, VlanConfig vlan) {
        PortInfo port = new PortInfo(PortConfig.of(name).withVlan(vlan), number, 100 + number, PortCounters.ZERO);
        byName.put(name, port);
        names.put(number, name);
        fire(new PortEvent(PortEvent.Type.ADDED, port, null));
        return port;
    }

    /** @param name the port to remove; listeners get REMOVED */
    public void remove(String name) {
        PortInfo port = byName.remove(name);
        names.remove(port.number());
        fire(new PortEvent(PortEvent.Type.REMOVED, port, null));
    }

    /**
     * @param name the port to reconfigure; listeners get UPDATED
     * @param vlan its new VLAN configuration
     */
    public void setVlan(String name, VlanConfig vlan) {
        setConfig(name, byName.get(name).config().withVlan(vlan));
    }

    /**
     * @param name the port to reconfigure; listeners get UPDATED
     * @param config its new configuration
     */
    public void setConfig(String name, PortConfig config) {
        PortInfo before = byName.get(name);
        PortInfo after = new PortInfo(config, before.number(), before.ifIndex(), before.counters());
        byName.put(name, after);
        fire(new PortEvent(PortEvent.Type.UPDATED, after, before.config()));
    }

    /**
     * As if an operator moved the port's interface: {@link #currentNetns} reports it from now on.
     *
     * @param name the port
     * @param netns what {@link dev.ringswitch.api.port.TapPort#currentNetns()} would say
     */
    public void moveTo(String name, String netns) {
        currentNetns.put(name, netns);
    }

    /** @return how many listeners are registered */
    public int listenerCount() {
        return listeners.size();
    }

    private void fire(PortEvent event) {
        for (PortListener listener : listeners) {
            listener.portChanged(event);
        }
    }

    @Override
    public List<PortInfo> ports() {
        return new ArrayList<>(new TreeMap<>(byName).values());
    }

    @Override
    public Optional<PortInfo> port(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public String currentNetns(String name) {
        return currentNetns.get(name);
    }

    @Override
    public String nameOf(int number) {
        return names.get(number);
    }

    @Override
    public void addListener(PortListener listener) {
        for (PortInfo port : ports()) {
            listener.portChanged(new PortEvent(PortEvent.Type.ADDED, port, null));
        }
        listeners.add(listener);
    }

    @Override
    public void removeListener(PortListener listener) {
        listeners.remove(listener);
    }
}
