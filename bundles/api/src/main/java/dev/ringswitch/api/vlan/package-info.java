/**
 * IEEE 802.1Q port VLAN configuration: modes as in Open vSwitch, VLAN sets with ranges, and the service that the VLAN
 * module offers.
 */
@Export
@Version("1.1.0")
package dev.ringswitch.api.vlan;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
