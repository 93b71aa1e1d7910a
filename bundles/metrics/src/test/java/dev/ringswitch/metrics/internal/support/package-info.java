/**
 * Fakes of the services the collectors read, each holding the snapshot the test sets.
 */
package dev.ringswitch.metrics.internal.support;
