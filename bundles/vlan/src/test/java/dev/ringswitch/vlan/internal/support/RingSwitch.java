package dev.ringswitch.vlan.internal.support;

import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.datapath.internal.DatapathManager;
import dev.ringswitch.tap.internal.TapPortProvider;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A real switch outside OSGi for end-to-end tests: the TAP bundle's provider under the datapath bundle's manager,
 * wired by hand as DS would wire them. The manager's start and module hooks are package-private (DS calls them), so
 * they are reached by reflection here, in one place.
 */
public final class RingSwitch implements AutoCloseable {

    private final TapPortProvider provider = new TapPortProvider();
    private final DatapathManager manager = new DatapathManager(provider);

    /** Starts the ring with the datapath's default settings. */
    public RingSwitch() {
        provider.activate();
        try {
            Class<?> settings = Class.forName("dev.ringswitch.datapath.internal.RingSettings");
            Field defaults = settings.getDeclaredField("DEFAULTS");
            defaults.setAccessible(true);
            invoke("start", new Class<?>[] {settings}, defaults.get(null));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the datapath's test hooks changed: " + e, e);
        }
    }

    /** @return the port service */
    public PortService ports() {
        return manager;
    }

    /** @return the port admin service */
    public PortAdminService admin() {
        return manager;
    }

    /** @param module joins the pipeline at the next batch, as if DS had bound it */
    public void addModule(ForwardingModule module) {
        invoke("addModule", new Class<?>[] {ForwardingModule.class, String.class}, module, "test");
    }

    /** Stops the ring and closes every port. */
    @Override
    public void close() {
        try {
            invoke("deactivate", new Class<?>[0]);
        } finally {
            provider.deactivate();
        }
    }

    private void invoke(String name, Class<?>[] types, Object... args) {
        try {
            Method method = DatapathManager.class.getDeclaredMethod(name, types);
            method.setAccessible(true);
            method.invoke(manager, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AssertionError("DatapathManager." + name + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the datapath's test hooks changed: " + e, e);
        }
    }
}
