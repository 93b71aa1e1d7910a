/**
 * End-to-end tests of the RingSwitch appliance: the built Karaf distribution on JDK 25, driven over SSH.
 */
package dev.ringswitch.itests;
