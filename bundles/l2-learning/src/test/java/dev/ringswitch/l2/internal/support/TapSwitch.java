package dev.ringswitch.l2.internal.support;

import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.datapath.internal.DatapathManager;
import dev.ringswitch.tap.internal.TapPortProvider;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A real switch outside OSGi: the tap bundle's provider under the datapath bundle's manager, wired by hand as DS
 * would. The manager's start, module and stop hooks are package-private (only DS calls them), so they are reached
 * by reflection, here and nowhere else.
 */
public final class TapSwitch implements AutoCloseable {

    private final TapPortProvider provider = new TapPortProvider();
    private final DatapathManager manager = new DatapathManager(provider);

    /** Opens the provider and starts the ring with the datapath's default settings. */
    public TapSwitch() {
        provider.activate();
        try {
            Class<?> settings = Class.forName("dev.ringswitch.datapath.internal.RingSettings");
            Field defaults = settings.getDeclaredField("DEFAULTS");
            defaults.setAccessible(true);
            call("start", new Class<?>[] {settings}, defaults.get(null));
        } catch (ReflectiveOperationException e) {
            provider.deactivate();
            throw new AssertionError("the datapath's DS hooks changed: " + e, e);
        }
    }

    /** @return the switch's ports, as modules see them */
    public PortService ports() {
        return manager;
    }

    /** @return the operator's port commands */
    public PortAdminService admin() {
        return manager;
    }

    /** @param module joins the pipeline, as if DS had bound it; returns once the worker runs it */
    public void addModule(ForwardingModule module) {
        call("addModule", new Class<?>[] {ForwardingModule.class, String.class}, module, "l2-learning-test");
    }

    /** Stops the ring, closes every TAP. */
    @Override
    public void close() {
        try {
            call("deactivate", new Class<?>[0]);
        } finally {
            provider.deactivate();
        }
    }

    private void call(String name, Class<?>[] types, Object... args) {
        try {
            Method method = DatapathManager.class.getDeclaredMethod(name, types);
            method.setAccessible(true);
            method.invoke(manager, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new AssertionError("DatapathManager." + name + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the datapath's DS hooks changed: " + e, e);
        }
    }
}
