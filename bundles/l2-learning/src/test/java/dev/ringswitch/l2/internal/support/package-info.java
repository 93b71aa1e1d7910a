/**
 * Test support for the L2 learning module: port layouts over the test kit's fake port service, a fake clock, a way
 * to hand frames to the module as the datapath does, and, for the end-to-end test, a real switch over TAPs and a
 * tcpdump capture.
 */
package dev.ringswitch.l2.internal.support;
