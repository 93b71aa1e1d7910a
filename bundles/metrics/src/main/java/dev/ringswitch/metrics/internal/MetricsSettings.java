package dev.ringswitch.metrics.internal;

/**
 * The metrics settings, validated.
 *
 * @param bindAddress the address the HTTP endpoint listens on
 * @param port its TCP port, 0 for any free one
 * @param jvmMetrics whether the JVM's metrics are exported
 */
record MetricsSettings(String bindAddress, int port, boolean jvmMetrics) {

    /** The defaults of {@link MetricsConstants}. */
    static final MetricsSettings DEFAULTS = new MetricsSettings(MetricsConstants.BIND_ADDRESS_DEFAULT,
            MetricsConstants.PORT_DEFAULT, MetricsConstants.JVM_METRICS_DEFAULT);

    /** The largest TCP port. */
    static final int MAX_PORT = 65535;

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the key, the value and what is expected
     */
    MetricsSettings {
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("empty " + MetricsConstants.BIND_ADDRESS + " in " + MetricsConstants.PID
                    + ": expected an IP address such as " + MetricsConstants.BIND_ADDRESS_DEFAULT);
        }
        bindAddress = bindAddress.trim();
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("invalid " + MetricsConstants.PORT + " " + port + " in "
                    + MetricsConstants.PID + ": expected 0.." + MAX_PORT + " (0 = any free port)");
        }
    }

    /**
     * @param config the DS configuration
     * @return validated settings
     */
    static MetricsSettings from(MetricsConfig config) {
        return new MetricsSettings(config.bindAddress(), config.port(), config.jvmMetrics());
    }

    /** @param other settings @return whether the endpoint would listen on the same address and port */
    boolean sameEndpoint(MetricsSettings other) {
        return other != null && bindAddress.equals(other.bindAddress) && port == other.port;
    }
}
