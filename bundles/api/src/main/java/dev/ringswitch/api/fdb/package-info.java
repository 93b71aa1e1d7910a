/**
 * The forwarding database (MAC table) of the L2 learning module, as the operator and the metrics see it: which
 * station (VLAN, MAC) sits behind which port, how the table is doing, and which stations flap between ports
 * (since 1.1).
 */
@Export
@Version("1.1.0")
package dev.ringswitch.api.fdb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
