/**
 * The datapath implementation: {@link dev.ringswitch.datapath.internal.DatapathManager} (the DS component and its
 * design essay), the ring engine ({@link dev.ringswitch.datapath.internal.Ring}, its ingress and worker threads) and
 * the immutable {@link dev.ringswitch.datapath.internal.Plan} that control threads publish to them. Private: the bundle
 * exports nothing.
 */
package dev.ringswitch.datapath.internal;
