package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.module.ForwardingModule;
import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortProvider;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.tap.internal.TapPortProvider;

/**
 * A real switch outside OSGi for other bundles' end-to-end tests: this bundle's {@link DatapathManager} over a port
 * provider, started with the default ring settings and wired by hand as DS would wire it. It lives in the manager's
 * package, so it calls the package-private DS hooks directly, and is published in this bundle's test-jar
 * ({@code <type>test-jar</type>}, test scope). Consumers of {@link #overTaps()} also need the tap bundle (test scope)
 * on their test class path; every consumer needs {@code osgi.core} (test scope), which the manager's bind method names.
 *
 * <pre>{@code
 * try (TestSwitch sw = TestSwitch.overTaps()) {
 *     sw.addModule(module);                      // returns once the worker runs it
 *     sw.admin().addPort(PortConfig.of("rsx1"));
 *     ...
 * }
 * }</pre>
 */
public final class TestSwitch implements AutoCloseable {

    private final DatapathManager manager;
    private final Runnable closeProvider;

    private TestSwitch(PortProvider provider, Runnable closeProvider) {
        this.manager = new DatapathManager(provider);
        this.closeProvider = closeProvider;
        try {
            manager.start(RingSettings.DEFAULTS);
        } catch (RuntimeException | Error e) {
            closeProvider.run();
            throw e;
        }
    }

    /**
     * A switch whose ports are real TAP devices, from the tap bundle's provider.
     *
     * @return the running switch; closing it stops the ring and closes every TAP
     */
    public static TestSwitch overTaps() {
        TapPortProvider taps = new TapPortProvider();
        taps.activate();
        return new TestSwitch(taps, taps::deactivate);
    }

    /**
     * A switch over the caller's ports (e.g. the test kit's in-memory provider).
     *
     * @param provider opens the ports; the caller owns it
     * @return the running switch
     */
    public static TestSwitch over(PortProvider provider) {
        return new TestSwitch(provider, () -> { });
    }

    /** @return the switch's ports, as modules see them */
    public PortService ports() {
        return manager;
    }

    /** @return the operator's port commands */
    public PortAdminService admin() {
        return manager;
    }

    /** @return the datapath's status and module list */
    public DatapathService datapath() {
        return manager;
    }

    /**
     * Puts a module into the pipeline as if DS had bound it, and returns once the worker runs it.
     *
     * @param module the module
     */
    public void addModule(ForwardingModule module) {
        manager.addModule(module, "test");
    }

    /**
     * Takes a module out of the pipeline as if DS had unbound it, and returns once the worker has left it.
     *
     * @param module the module
     */
    public void removeModule(ForwardingModule module) {
        manager.removeModule(module);
    }

    /** Stops the ring, closes every port and, for {@link #overTaps()}, the TAP provider. */
    @Override
    public void close() {
        try {
            manager.deactivate();
        } finally {
            closeProvider.run();
        }
    }
}
