package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.module.PortSet;

import java.util.Arrays;
import java.util.List;

/**
 * What the datapath threads act on: the ports by number, which of them are up or carry VLAN configuration, their
 * largest frame, storm control, and the forwarding pipeline. Immutable once published (arrays are never written
 * after construction); control threads build a new plan with a higher {@link #generation} for every change and
 * publish it through a volatile field, and each datapath thread switches plans only between batches. A frame is
 * therefore handled wholly under one plan.
 */
final class Plan {

    /** No ports, no modules. */
    static final Plan EMPTY = new Plan(0, new PortEntry[PortSet.CAPACITY], List.of(), 0,
            RingSettings.DEFAULT_MODULE_FAILURE_THRESHOLD);

    final long generation;
    /** Index = port number; {@code null} for a free number. */
    final PortEntry[] ports;
    /** Ports whose link is up: the hub's default egress set. */
    final PortSet up = new PortSet();
    /** Index = port number: the longest frame the port may send (MTU + Ethernet header + two tags). */
    final int[] maxFrame = new int[PortSet.CAPACITY];
    /** Index = port number: the longest untagged frame within the MTU (MTU + Ethernet header). */
    final int[] maxUntagged = new int[PortSet.CAPACITY];
    /** Ports with a VLAN mode: without an active tagging module they are fenced off (fail closed). */
    final PortSet vlanPorts = new PortSet();
    /** {@link #up} without {@link #vlanPorts}: the default egress set while VLAN ports are fenced off. */
    final PortSet plainUp = new PortSet();
    /** Index = port number: storm control's GCRA increment per group frame, nanoseconds; 0 without a limit. */
    final long[] stormIntervalNanos = new long[PortSet.CAPACITY];
    /** Index = port number: storm control's GCRA tolerance, nanoseconds. */
    final long[] stormToleranceNanos = new long[PortSet.CAPACITY];
    /** Whether any port has a storm limit: only then does a burst read the clock. */
    final boolean stormControl;
    /** The pipeline, in run order. */
    final ModuleSlot[] modules;
    /** The first module in the pipeline that implements EgressTagging, or {@code null}. */
    final ModuleSlot tagger;
    final int portCount;
    /** Consecutive exceptions that isolate a module (moduleFailureThreshold). */
    final int failureThreshold;

    /**
     * @param generation the change number
     * @param ports ports by number (copied)
     * @param pipeline modules in run order
     * @param unknownPortMaxFrame the largest frame accepted from a number no longer in the table (frames still in
     *                            flight from a port just removed)
     * @param failureThreshold consecutive exceptions that isolate a module
     */
    Plan(long generation, PortEntry[] ports, List<ModuleSlot> pipeline, int unknownPortMaxFrame,
         int failureThreshold) {
        this(generation, ports, pipeline, unknownPortMaxFrame, failureThreshold, GuardSettings.DEFAULTS);
    }

    /**
     * @param generation the change number
     * @param ports ports by number (copied)
     * @param pipeline modules in run order
     * @param unknownPortMaxFrame the largest frame accepted from a number no longer in the table
     * @param failureThreshold consecutive exceptions that isolate a module
     * @param guards the switch-wide storm limit, for ports without their own
     */
    Plan(long generation, PortEntry[] ports, List<ModuleSlot> pipeline, int unknownPortMaxFrame,
         int failureThreshold, GuardSettings guards) {
        this.generation = generation;
        this.failureThreshold = failureThreshold;
        this.ports = Arrays.copyOf(ports, PortSet.CAPACITY);
        int count = 0;
        boolean storm = false;
        for (int i = 0; i < this.ports.length; i++) {
            PortEntry e = this.ports[i];
            if (e == null) {
                maxFrame[i] = unknownPortMaxFrame;
                maxUntagged[i] = unknownPortMaxFrame;
                continue;
            }
            count++;
            boolean vlan = e.config().vlan().isConfigured();
            if (vlan) {
                vlanPorts.add(i);
            }
            if (e.config().up()) {
                up.add(i);
                if (!vlan) {
                    plainUp.add(i);
                }
            }
            maxFrame[i] = e.config().mtu() + RingSettings.L2_OVERHEAD;
            maxUntagged[i] = e.config().mtu() + Frame.ETH_HEADER;
            long interval = GuardSettings.stormIntervalNanos(guards.stormControlPps(e.config()));
            stormIntervalNanos[i] = interval;
            stormToleranceNanos[i] = GuardSettings.stormToleranceNanos(interval);
            storm |= interval != 0;
        }
        this.stormControl = storm;
        this.portCount = count;
        this.modules = pipeline.toArray(new ModuleSlot[0]);
        ModuleSlot t = null;
        for (ModuleSlot m : modules) {
            if (m.tagging != null) {
                t = m;
                break;
            }
        }
        this.tagger = t;
    }

    /**
     * @return whether ports with VLAN configuration must be fenced off: no tagging module, or one that failed, so
     *         nobody would classify their frames or tag the frames they get (fail closed, rather than flood untagged
     *         across VLANs)
     */
    boolean vlanFenced() {
        return !vlanPorts.isEmpty() && (tagger == null || tagger.isFailed());
    }

    /**
     * @param module a module
     * @return whether it is in this plan's pipeline
     */
    boolean contains(ModuleSlot module) {
        for (ModuleSlot m : modules) {
            if (m == module) {
                return true;
            }
        }
        return false;
    }
}
