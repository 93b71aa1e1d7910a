package dev.ringswitch.itests.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link RawHost} per switch port, each in a namespace named after its port ({@code rsr-m1} lives in
 * {@code rsr-nm1}), closed together.
 */
public final class RawHosts implements AutoCloseable {

    private final Map<String, RawHost> byPort = new LinkedHashMap<>();

    /**
     * Moves the port's TAP into a new silent host (see {@link RawHost#create}).
     *
     * @param port a switch port named {@code rsr-} and more
     * @return the host
     */
    public RawHost attach(String port) {
        RawHost host = RawHost.create("rsr-n" + port.substring(4), port);
        byPort.put(port, host);
        return host;
    }

    /**
     * @param port an attached port
     * @return its host
     * @throws IllegalArgumentException if the port has none
     */
    public RawHost get(String port) {
        RawHost host = byPort.get(port);
        if (host == null) {
            throw new IllegalArgumentException("no host attached to " + port);
        }
        return host;
    }

    /** Closes every host (their namespaces go, and the TAPs in them with the switch's ports' kernel side). */
    @Override
    public void close() {
        byPort.values().forEach(RawHost::close);
    }
}
