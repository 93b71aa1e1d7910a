package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.PortSet;

import java.util.Arrays;
import java.util.List;

/**
 * What the datapath threads act on: the ports by number, which of them are up, their largest frame, and the
 * forwarding pipeline. Immutable once published (arrays are never written after construction); control threads
 * build a new plan with a higher {@link #generation} for every change and publish it through a volatile field, and
 * each datapath thread switches plans only between batches. A frame is therefore handled wholly under one plan.
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
        this.generation = generation;
        this.failureThreshold = failureThreshold;
        this.ports = Arrays.copyOf(ports, PortSet.CAPACITY);
        int count = 0;
        for (int i = 0; i < this.ports.length; i++) {
            PortEntry e = this.ports[i];
            if (e == null) {
                maxFrame[i] = unknownPortMaxFrame;
                continue;
            }
            count++;
            if (e.config().up()) {
                up.add(i);
            }
            maxFrame[i] = e.config().mtu() + RingSettings.L2_OVERHEAD;
        }
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
