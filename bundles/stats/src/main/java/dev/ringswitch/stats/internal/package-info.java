/**
 * The statistics module: {@link dev.ringswitch.stats.internal.TrafficCounters}, the observer's single-writer counters,
 * and {@link dev.ringswitch.stats.internal.StatsModule}, the observer module and
 * {@link dev.ringswitch.api.stats.StatsService} that merges them with the datapath's own counters. Private to the
 * bundle.
 */
package dev.ringswitch.stats.internal;
