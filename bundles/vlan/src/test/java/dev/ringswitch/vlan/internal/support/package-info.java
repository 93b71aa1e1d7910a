/**
 * Test support for the VLAN module: a one-frame datapath stand-in for unit tests. The end-to-end test runs the
 * datapath's shared {@code TestSwitch} and the test kit's namespaces and captures instead.
 */
package dev.ringswitch.vlan.internal.support;
