/**
 * Test support for the VLAN module: a one-frame datapath stand-in for unit tests, and for the end-to-end test a real
 * switch wired by hand ({@link dev.ringswitch.vlan.internal.support.RingSwitch}) and the host-side commands
 * ({@link dev.ringswitch.vlan.internal.support.Host}).
 */
package dev.ringswitch.vlan.internal.support;
