/**
 * Test stubs for the datapath tests: modules that record what the datapath does with them, and traffic helpers.
 */
package dev.ringswitch.datapath.internal.support;
