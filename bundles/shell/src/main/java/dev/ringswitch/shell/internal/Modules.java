package dev.ringswitch.shell.internal;

/**
 * What an optional module's command says when its service is absent, in one place so that every command of a module
 * names the same feature.
 */
final class Modules {

    /** The L2 learning module: FdbService. */
    static final String L2 = "L2 learning";
    /** Its feature. */
    static final String L2_FEATURE = "ringswitch-l2";
    /** The statistics module: StatsService. */
    static final String STATS = "Statistics";
    /** Its feature. */
    static final String STATS_FEATURE = "ringswitch-stats";
    /** The VLAN module: VlanService. */
    static final String VLAN = "VLAN";
    /** Its feature. */
    static final String VLAN_FEATURE = "ringswitch-vlan";

    private Modules() {
    }
}
