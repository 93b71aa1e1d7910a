/**
 * Test stubs for the datapath tests: modules that record what the datapath does with them, traffic helpers, and an
 * in-memory ConfigurationAdmin.
 */
package dev.ringswitch.datapath.internal.support;
