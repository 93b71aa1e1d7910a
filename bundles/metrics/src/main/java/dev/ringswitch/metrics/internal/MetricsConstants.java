package dev.ringswitch.metrics.internal;

/**
 * Names and defaults of the metrics configuration (PID {@value #PID}, file {@code etc/ringswitch.metrics.cfg}), in
 * one place for the component, its config annotation and the tests.
 */
final class MetricsConstants {

    /** Configuration PID. */
    static final String PID = "ringswitch.metrics";

    /** Property: the address the HTTP endpoint listens on. */
    static final String BIND_ADDRESS = "bindAddress";
    /** Default of {@link #BIND_ADDRESS}: loopback only; metrics reveal the network's stations and traffic. */
    static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

    /** Property: the TCP port of the HTTP endpoint; 0 lets the kernel choose one (tests). */
    static final String PORT = "port";
    /**
     * Default of {@link #PORT}. In Prometheus's exporter range (9100-9999), clear of the well-known exporters (node
     * 9100, blackbox 9115, SNMP 9116, ...) and of /etc/services.
     */
    static final int PORT_DEFAULT = 9842;

    /** Property: whether to export the JVM's metrics (memory, GC, threads, classes, process). */
    static final String JVM_METRICS = "jvmMetrics";
    /** Default of {@link #JVM_METRICS}. */
    static final boolean JVM_METRICS_DEFAULT = true;

    /** The path Prometheus scrapes; the server also answers on {@code /} and {@code /-/healthy}. */
    static final String PATH = "/metrics";

    private MetricsConstants() {
    }
}
