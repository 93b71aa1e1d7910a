/**
 * The Prometheus endpoint: collectors that read the switch's services at scrape time
 * ({@link dev.ringswitch.metrics.internal.PortCollector}, {@link dev.ringswitch.metrics.internal.StatsCollector},
 * {@link dev.ringswitch.metrics.internal.DatapathCollector}, {@link dev.ringswitch.metrics.internal.FdbCollector}), the
 * JVM collectors, and {@link dev.ringswitch.metrics.internal.MetricsManager}, the component that owns the private
 * registry and the HTTP server. Private to the bundle, as is the embedded simpleclient.
 */
package dev.ringswitch.metrics.internal;
