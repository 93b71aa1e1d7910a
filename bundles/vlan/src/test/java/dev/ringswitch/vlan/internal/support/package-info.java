/**
 * Test stubs for the VLAN module: a one-frame datapath stand-in.
 */
package dev.ringswitch.vlan.internal.support;
