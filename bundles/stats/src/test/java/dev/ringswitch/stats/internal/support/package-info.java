/**
 * Fakes of the services the statistics module reads: ports with settable datapath counters and a datapath with
 * settable drop counters.
 */
package dev.ringswitch.stats.internal.support;
