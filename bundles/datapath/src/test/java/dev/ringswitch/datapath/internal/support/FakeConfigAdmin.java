package dev.ringswitch.datapath.internal.support;

import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationException;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ManagedServiceFactory;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-memory ConfigurationAdmin with the semantics PortConfigSync relies on: named factory configurations
 * ({@code factoryPid~name}), configurations without properties are not listed, {@code updateIfDifferent}, and
 * asynchronous delivery to one {@link ManagedServiceFactory}: changes queue up until the test calls {@link #deliver()},
 * which hands them over one at a time on the test's thread, as ConfigAdmin's update thread would. Listeners added with
 * {@link #addListener} hear of every update and deletion on an event thread of their own, in order, each event by
 * every listener before the next, as ConfigAdmin's event dispatcher does.
 */
public final class FakeConfigAdmin implements ConfigurationAdmin, AutoCloseable {

    @SuppressWarnings("unchecked")
    private static final ServiceReference<ConfigurationAdmin> REFERENCE = (ServiceReference<ConfigurationAdmin>)
            java.lang.reflect.Proxy.newProxyInstance(FakeConfigAdmin.class.getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> {
                        throw new UnsupportedOperationException("the fake's service reference has no " + method);
                    });

    private final Map<String, FakeConfiguration> configs = new TreeMap<>();
    private final Deque<String[]> queue = new ArrayDeque<>();
    private ManagedServiceFactory factory;
    private String factoryPid;
    /** A configuration to delete right after a lookup returned it, as FileInstall may; see {@link #deleteWhenListed}. */
    private String deleteWhenListed;
    private Runnable afterNextCreation;
    private final List<ConfigurationListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake CM event dispatcher");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param listener hears of every update and deletion from now on, on the event thread
     */
    public void addListener(ConfigurationListener listener) {
        listeners.add(listener);
    }

    /** Stops the event thread. */
    @Override
    public void close() {
        events.shutdownNow();
    }

    /** Queues an event for the listeners; called under this object's lock, so events keep the changes' order. */
    private void fire(int type, String pid, String factoryPid) {
        if (listeners.isEmpty()) {
            return;
        }
        ConfigurationEvent event = new ConfigurationEvent(REFERENCE, type, factoryPid, pid);
        events.execute(() -> listeners.forEach(l -> l.configurationEvent(event)));
    }

    /**
     * Registers the factory and queues an update for each of its existing configurations, as ConfigAdmin does when a
     * ManagedServiceFactory service appears.
     *
     * @param pid the factory PID it serves
     * @param msf the factory
     */
    public synchronized void register(String pid, ManagedServiceFactory msf) {
        factoryPid = pid;
        factory = msf;
        for (FakeConfiguration c : configs.values()) {
            if (pid.equals(c.factoryPid) && c.properties != null) {
                queue.add(new String[] {"updated", c.pid});
            }
        }
    }

    /**
     * Delivers every queued change, including those that deliveries cause, and returns when none is left.
     *
     * @return how many deliveries were made
     */
    public int deliver() {
        return deliver(Integer.MAX_VALUE);
    }

    /**
     * Delivers queued changes one by one, as ConfigAdmin's update thread does, but at most {@code max} of them.
     *
     * @param max the most deliveries to make
     * @return how many deliveries were made
     */
    public int deliver(int max) {
        int n = 0;
        while (n < max) {
            String[] next;
            ManagedServiceFactory target;
            Dictionary<String, Object> props;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    return n;
                }
                target = factory;
                FakeConfiguration c = configs.get(next[1]);
                props = c == null || c.properties == null ? null : copy(c.properties);
            }
            n++;
            if (target == null) {
                continue;
            }
            if (next[0].equals("deleted")) {
                target.deleted(next[1]);
            } else if (props != null) {
                try {
                    target.updated(next[1], props);
                } catch (ConfigurationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return n;
    }

    /**
     * @param pid a PID
     * @return the configuration's properties without service.pid and service.factoryPid, or {@code null} if it does
     *         not exist
     */
    public synchronized Map<String, Object> properties(String pid) {
        FakeConfiguration c = configs.get(pid);
        if (c == null || c.properties == null) {
            return null;
        }
        Map<String, Object> out = new TreeMap<>();
        for (String key : Collections.list(c.properties.keys())) {
            if (!key.equals(Constants.SERVICE_PID) && !key.equals(SERVICE_FACTORYPID)) {
                out.put(key, c.properties.get(key));
            }
        }
        return out;
    }

    /** @return the PIDs of every configuration that has properties */
    public synchronized Set<String> pids() {
        Set<String> out = new TreeSet<>();
        configs.forEach((pid, c) -> {
            if (c.properties != null) {
                out.add(pid);
            }
        });
        return out;
    }

    /** @return how many updates and deletions are queued */
    public synchronized int pending() {
        return queue.size();
    }

    @Override
    public synchronized Configuration createFactoryConfiguration(String pid) {
        return createFactoryConfiguration(pid, null);
    }

    @Override
    public synchronized Configuration createFactoryConfiguration(String pid, String location) {
        FakeConfiguration c = new FakeConfiguration(pid + "." + UUID.randomUUID(), pid);
        configs.put(c.pid, c);
        return c;
    }

    @Override
    public synchronized Configuration getConfiguration(String pid, String location) {
        return configs.computeIfAbsent(pid, p -> new FakeConfiguration(p, null));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public Configuration getFactoryConfiguration(String pid, String name, String location) {
        Configuration config;
        Runnable action = null;
        synchronized (this) {
            String key = pid + "~" + name;
            if (!configs.containsKey(key)) {
                action = afterNextCreation;
                afterNextCreation = null;
            }
            config = configs.computeIfAbsent(key, p -> new FakeConfiguration(p, pid));
        }
        if (action != null) {
            action.run();
        }
        return config;
    }

    /**
     * Runs an action right after the next factory configuration is created, on the creating thread, before the
     * creator gets it: another party's change that lands between a creation and the creator's first update.
     *
     * @param action what the other party does
     */
    public synchronized void afterNextCreation(Runnable action) {
        afterNextCreation = action;
    }

    @Override
    public Configuration getFactoryConfiguration(String pid, String name) {
        return getFactoryConfiguration(pid, name, null);
    }

    @Override
    public synchronized Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
        Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
        List<FakeConfiguration> out = configs.values().stream()
                .filter(c -> c.properties != null && (f == null || f.match(c.properties))).toList();
        for (FakeConfiguration c : out) {
            if (c.pid.equals(deleteWhenListed)) {
                deleteWhenListed = null;
                c.delete();
            }
        }
        return out.isEmpty() ? null : out.toArray(new Configuration[0]);
    }

    /**
     * The next lookup that finds this configuration returns it already deleted: another party (FileInstall acting on
     * an older removal) deleted it between the caller's lookup and its next call, which then throws
     * {@link IllegalStateException} as Felix's ConfigAdmin does.
     *
     * @param pid the configuration
     */
    public synchronized void deleteWhenListed(String pid) {
        deleteWhenListed = pid;
    }

    private static Hashtable<String, Object> copy(Dictionary<String, ?> properties) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (String key : Collections.list(properties.keys())) {
            out.put(key, properties.get(key));
        }
        return out;
    }

    private final class FakeConfiguration implements Configuration {
        private final String pid;
        private final String factoryPid;
        private Hashtable<String, Object> properties;
        private long changes;
        private boolean deleted;

        FakeConfiguration(String pid, String factoryPid) {
            this.pid = pid;
            this.factoryPid = factoryPid;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            synchronized (FakeConfigAdmin.this) {
                if (deleted) {
                    throw new IllegalStateException("Configuration " + pid + " deleted");
                }
                return properties == null ? null : copy(properties);
            }
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> next) {
            synchronized (FakeConfigAdmin.this) {
                if (deleted) {
                    throw new IllegalStateException("configuration " + pid + " deleted");
                }
                Hashtable<String, Object> stored = copy(next);
                stored.put(Constants.SERVICE_PID, pid);
                if (factoryPid != null) {
                    stored.put(SERVICE_FACTORYPID, factoryPid);
                } else {
                    stored.remove(SERVICE_FACTORYPID);
                }
                properties = stored;
                changes++;
                configs.put(pid, this);
                if (factoryPid != null && factoryPid.equals(FakeConfigAdmin.this.factoryPid)) {
                    queue.add(new String[] {"updated", pid});
                }
                fire(ConfigurationEvent.CM_UPDATED, pid, factoryPid);
            }
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> next) {
            synchronized (FakeConfigAdmin.this) {
                Hashtable<String, Object> compared = copy(next);
                compared.put(Constants.SERVICE_PID, pid);
                if (factoryPid != null) {
                    compared.put(SERVICE_FACTORYPID, factoryPid);
                }
                if (compared.equals(properties)) {
                    return false;
                }
                update(next);
                return true;
            }
        }

        @Override
        public void delete() {
            synchronized (FakeConfigAdmin.this) {
                if (deleted) {
                    throw new IllegalStateException("configuration " + pid + " deleted");
                }
                deleted = true;
                configs.remove(pid);
                if (factoryPid != null && factoryPid.equals(FakeConfigAdmin.this.factoryPid)) {
                    queue.add(new String[] {"deleted", pid});
                }
                fire(ConfigurationEvent.CM_DELETED, pid, factoryPid);
            }
        }

        @Override
        public String getFactoryPid() {
            return factoryPid;
        }

        @Override
        public void update() {
            update(Objects.requireNonNullElse(properties, new Hashtable<>()));
        }

        @Override
        public void setBundleLocation(String location) {
            // Locations play no part in these tests.
        }

        @Override
        public String getBundleLocation() {
            return "?";
        }

        @Override
        public long getChangeCount() {
            return changes;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return Set.of();
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }
    }
}
