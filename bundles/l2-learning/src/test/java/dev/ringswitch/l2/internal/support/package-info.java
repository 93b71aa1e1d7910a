/**
 * Test support for the L2 learning module: port layouts over the test kit's fake port service, a fake clock, and
 * a way to build frames as the datapath would hand them over.
 */
package dev.ringswitch.l2.internal.support;
