package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.datapath.internal.TestSwitch;
import dev.ringswitch.stats.internal.StatsModule;
import dev.ringswitch.testkit.InMemoryPortProvider;
import dev.ringswitch.testkit.InMemoryTapPort;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A real switch outside OSGi: the datapath's {@link TestSwitch} over the test kit's in-memory ports, with the stats
 * bundle's module in its pipeline, wired by hand as DS would. The stats module's DS hooks (activate, deactivate) are
 * package-private, so they are reached by reflection, here and nowhere else.
 */
public final class InMemorySwitch implements AutoCloseable {

    private final InMemoryPortProvider provider = new InMemoryPortProvider(4096, 2048);
    private final TestSwitch sw = TestSwitch.over(provider);
    private final StatsModule stats = new StatsModule(sw.ports(), sw.datapath());

    /** Starts the ring with the datapath's defaults and puts the stats module in the pipeline. */
    public InMemorySwitch() {
        call(stats, "activate");
        sw.addModule(stats);
    }

    /** @return the port service */
    public PortService ports() {
        return sw.ports();
    }

    /** @return the port admin service */
    public PortAdminService admin() {
        return sw.admin();
    }

    /** @return the datapath service */
    public DatapathService datapath() {
        return sw.datapath();
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
        call(stats, "deactivate");
        sw.close();
    }

    private static void call(Object target, String name) {
        try {
            Method method = target.getClass().getDeclaredMethod(name);
            method.setAccessible(true);
            method.invoke(target);
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
