package dev.ringswitch.metrics.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.stats.StatsService;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus endpoint: a private {@link CollectorRegistry} holding one collector per source service and the JVM
 * collectors, served over HTTP in the text exposition format on {@code http://<bindAddress>:<port>/metrics}.
 *
 * <p>Sources are optional, dynamic references: the collectors read whichever services are bound at scrape time, so
 * installing or removing the statistics or L2 module adds or removes its series without restarting anything, and an
 * absent module is simply absent from the scrape. Collectors only read counters the datapath publishes with opaque
 * stores (or, for the MAC table, take the L2 module's table lock for one snapshot); no scrape stops the datapath.
 *
 * <p>The registry is this component's own, never simpleclient's static default registry, so a bundle restart leaves
 * nothing behind. Configuration (PID {@value MetricsConstants#PID}): a change of address or port restarts the server
 * at once; invalid settings are refused with one log line and the running server, if any, stays as it is. A port
 * already in use is logged and leaves the endpoint off until the configuration changes. Deactivation stops the
 * server.
 */
@Component(configurationPid = MetricsConstants.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsConfig.class)
public final class MetricsManager {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsManager.class);

    /** The switch's ports; bound by DS, set directly by tests. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PortService ports;

    /** The datapath's status and modules. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DatapathService datapath;

    /** The statistics module, when installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile StatsService stats;

    /** The L2 learning module's MAC table, when installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile FdbService fdb;

    private final CollectorRegistry registry = new CollectorRegistry();

    // Guarded by this.
    private final List<Collector> jvm = new ArrayList<>();
    private MetricsSettings settings;
    private HTTPServer server;

    /** Registers the source collectors; DS then calls {@link #activate}. */
    public MetricsManager() {
        new PortCollector(() -> ports).register(registry);
        new StatsCollector(() -> stats).register(registry);
        new DatapathCollector(() -> datapath).register(registry);
        new FdbCollector(() -> fdb).register(registry);
    }

    /**
     * DS activation: starts the endpoint.
     *
     * @param config the {@value MetricsConstants#PID} configuration
     */
    @Activate
    void activate(MetricsConfig config) {
        MetricsSettings initial;
        try {
            initial = MetricsSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("metrics: {}; the endpoint stays off until the configuration is fixed", e.getMessage());
            LOG.info("Started metrics without endpoint");
            return;
        }
        start(initial);
    }

    /**
     * Starts with explicit settings (tests call this instead of DS).
     *
     * @param initial the settings
     */
    synchronized void start(MetricsSettings initial) {
        apply(initial);
        LOG.info("Started metrics ({}:{}, jvmMetrics={})", initial.bindAddress(), initial.port(),
                initial.jvmMetrics());
    }

    /**
     * DS: the configuration changed; a new address or port restarts the server.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(MetricsConfig config) {
        MetricsSettings next;
        try {
            next = MetricsSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("metrics: {}; keeping the previous settings", e.getMessage());
            return;
        }
        reconfigure(next);
    }

    /**
     * Applies new settings (tests call this instead of DS).
     *
     * @param next the settings
     */
    synchronized void reconfigure(MetricsSettings next) {
        apply(next);
    }

    /** DS deactivation: stops the server and drops every collector. */
    @Deactivate
    synchronized void deactivate() {
        stopServer();
        registry.clear();
        jvm.clear();
        settings = null;
        LOG.info("Stopped metrics");
    }

    /** Caller holds this. */
    private void apply(MetricsSettings next) {
        if (next.jvmMetrics() && jvm.isEmpty()) {
            for (Collector c : JvmCollectors.create()) {
                jvm.add(c.register(registry));
            }
        } else if (!next.jvmMetrics() && !jvm.isEmpty()) {
            jvm.forEach(registry::unregister);
            jvm.clear();
        }
        if (server == null || !next.sameEndpoint(settings)) {
            stopServer();
            startServer(next);
        }
        settings = next;
    }

    private void startServer(MetricsSettings s) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(s.bindAddress()), s.port());
            server = new HTTPServer.Builder().withInetSocketAddress(address).withRegistry(registry)
                    .withDaemonThreads(true).build();
            LOG.info("metrics: serving http://{}:{}{}", s.bindAddress(), server.getPort(), MetricsConstants.PATH);
        } catch (IOException e) {
            LOG.error("metrics: cannot listen on {}:{}: {}; change {} or {} in etc/{}.cfg", s.bindAddress(), s.port(),
                    e.toString(), MetricsConstants.BIND_ADDRESS, MetricsConstants.PORT, MetricsConstants.PID);
        }
    }

    private void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** @return the port the endpoint listens on, or -1 when it is off */
    synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    /** @return the registry the endpoint serves; tests read samples from it */
    CollectorRegistry registry() {
        return registry;
    }
}
