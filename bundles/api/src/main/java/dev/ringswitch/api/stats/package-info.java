/**
 * Traffic statistics of the switch as the operator and the metrics scrape see them: per port (packets, bytes, drops
 * by reason, flooded frames, errors) and per VLAN, offered by the statistics module through
 * {@link dev.ringswitch.api.stats.StatsService}. Module and ring statistics belong to the datapath and are read through
 * {@link dev.ringswitch.api.datapath.DatapathService}.
 */
@Export
@Version("1.0.0")
package dev.ringswitch.api.stats;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
