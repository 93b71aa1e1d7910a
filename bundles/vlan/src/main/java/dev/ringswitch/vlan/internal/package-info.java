/**
 * The VLAN module: IEEE 802.1Q classification on ingress, VLAN confinement of the egress set and tagging on egress,
 * as a forwarding-module advisor ({@link dev.ringswitch.vlan.internal.VlanModule}) over an immutable per-port table
 * ({@link dev.ringswitch.vlan.internal.VlanTable}). Private to the bundle.
 */
package dev.ringswitch.vlan.internal;
