package dev.ringswitch.tap.internal.support;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.TapPortProvider;

import java.lang.foreign.Arena;

/**
 * One TAP with a fixed MAC, opened by a provider of its own, with a confined arena for the test's buffers. Closing
 * it closes everything the provider opened and deletes the interface, also after a failed test.
 */
public final class OneTap implements AutoCloseable {

    /** The provider that opened {@link #port}. */
    public final TapPortProvider provider = new TapPortProvider();
    /** For the test's buffers; closed with the fixture. */
    public final Arena arena = Arena.ofConfined();
    /** The port. */
    public final TapPort port;
    private final String name;

    /**
     * @param name the interface name
     * @param mac the interface's MAC address
     */
    public OneTap(String name, long mac) {
        this.name = name;
        try {
            this.port = provider.open(PortConfig.of(name).withMac(new MacAddress(mac)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        provider.deactivate();
        arena.close();
        LinuxNet.deleteIfPresent(name);
    }
}
