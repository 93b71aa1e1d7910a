/**
 * Test support for the L2 learning module: port layouts over the test kit's fake port service, a fake clock and a way
 * to hand frames to the module as the datapath does. The end-to-end test runs the datapath's shared
 * {@code TestSwitch} and the test kit's namespaces and captures instead.
 */
package dev.ringswitch.l2.internal.support;
