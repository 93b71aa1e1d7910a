package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.datapath.internal.DatapathManager;
import dev.ringswitch.stats.internal.StatsModule;
import dev.ringswitch.testkit.InMemoryPortProvider;
import dev.ringswitch.testkit.InMemoryTapPort;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A real switch outside OSGi: the datapath bundle's manager over the test kit's in-memory ports, with the stats
 * bundle's module in its pipeline, wired by hand as DS would. The DS hooks (start, addModule, activate, deactivate)
 * are package-private, so they are reached by reflection, here and nowhere else.
 */
public final class InMemorySwitch implements AutoCloseable {

    private final InMemoryPortProvider provider = new InMemoryPortProvider(4096, 2048);
    private final DatapathManager manager = new DatapathManager(provider);
    private final StatsModule stats = new StatsModule(manager, manager);

    /** Starts the ring with the datapath's defaults and puts the stats module in the pipeline. */
    public InMemorySwitch() {
        try {
            Class<?> settings = Class.forName("dev.ringswitch.datapath.internal.RingSettings");
            Field defaults = settings.getDeclaredField("DEFAULTS");
            defaults.setAccessible(true);
            call(manager, "start", new Class<?>[] {settings}, defaults.get(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the datapath's DS hooks changed: " + e, e);
        }
        call(stats, "activate", new Class<?>[0]);
        call(manager, "addModule", new Class<?>[] {ForwardingModule.class, String.class}, stats,
                "ringswitch-stats/test");
    }

    /** @return the port service */
    public PortService ports() {
        return manager;
    }

    /** @return the port admin service */
    public PortAdminService admin() {
        return manager;
    }

    /** @return the datapath service */
    public DatapathService datapath() {
        return manager;
    }

    /** @return the stats module's service */
    public StatsService stats() {
        return stats;
    }

    /** @param name an added port @return its host side */
    public InMemoryTapPort port(String name) {
        return provider.require(name);
    }

    /**
     * Waits until the worker has finished every frame read so far, counters included: adding and removing a port
     * makes the datapath pass a barrier through the ring.
     */
    public void quiesce() {
        admin().addPort(PortConfig.of("rsm-barrier"));
        admin().removePort("rsm-barrier");
    }

    @Override
    public void close() {
        call(stats, "deactivate", new Class<?>[0]);
        call(manager, "deactivate", new Class<?>[0]);
    }

    private static void call(Object target, String name, Class<?>[] types, Object... args) {
        try {
            Method method = target.getClass().getDeclaredMethod(name, types);
            method.setAccessible(true);
            method.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new AssertionError(target.getClass().getSimpleName() + "." + name + " failed: " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the DS hooks changed: " + e, e);
        }
    }
}
