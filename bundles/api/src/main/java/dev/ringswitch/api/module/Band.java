package dev.ringswitch.api.module;

/**
 * Where in the pipeline a module runs. Bands run in declaration order; within a band, lower
 * {@link ForwardingModule#priority()} runs first.
 */
public enum Band {
    /** Classify and rewrite (e.g. VLAN ingress): may change the frame, its VLAN, narrow the egress set, or drop. */
    ADVISOR,
    /** Decide where the frame goes (e.g. L2 learning): narrows the egress set or drops. */
    DIRECTOR,
    /** Only look (e.g. statistics): sees the final decision, must not change anything. */
    OBSERVER
}
