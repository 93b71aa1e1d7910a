package dev.ringswitch.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Typed configuration of the metrics endpoint, PID {@code ringswitch.metrics}. Property names are the method names
 * ({@link MetricsConstants#BIND_ADDRESS}, {@link MetricsConstants#PORT}, {@link MetricsConstants#JVM_METRICS}).
 */
@ObjectClassDefinition(id = MetricsConstants.PID, name = "RingSwitch metrics",
        description = "Prometheus /metrics endpoint of the switch")
@interface MetricsConfig {

    /** @return the address to listen on */
    @AttributeDefinition(name = "Bind address",
            description = "IP address (or host name) the HTTP endpoint listens on; 0.0.0.0 for every interface")
    String bindAddress() default MetricsConstants.BIND_ADDRESS_DEFAULT;

    /** @return the TCP port */
    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "TCP port of the HTTP endpoint (0 = any free port)")
    int port() default MetricsConstants.PORT_DEFAULT;

    /** @return whether JVM metrics are exported */
    @AttributeDefinition(name = "JVM metrics",
            description = "Export the JVM's memory, GC, thread, class-loading and process metrics")
    boolean jvmMetrics() default MetricsConstants.JVM_METRICS_DEFAULT;
}
