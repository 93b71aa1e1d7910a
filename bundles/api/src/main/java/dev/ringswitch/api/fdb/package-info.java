/**
 * The forwarding database (MAC table) of the L2 learning module, as the operator and the metrics see it: which
 * station (VLAN, MAC) sits behind which port, and how the table is doing.
 */
@Export
@Version("1.0.0")
package dev.ringswitch.api.fdb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
