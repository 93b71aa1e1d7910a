/**
 * The L2 learning module: {@link dev.ringswitch.l2.internal.MacTable}, a single-writer MAC table with aging, fair
 * eviction and static entries, and {@link dev.ringswitch.l2.internal.L2LearningModule}, the director module and
 * {@link dev.ringswitch.api.fdb.FdbService} around it. Private to the bundle.
 */
package dev.ringswitch.l2.internal;
