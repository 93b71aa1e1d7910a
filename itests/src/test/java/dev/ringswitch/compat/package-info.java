/**
 * Offline checks of the compatibility agent against the real distribution (same package as the agent, for access to
 * its package-private rewrite entry point).
 */
package dev.ringswitch.compat;
