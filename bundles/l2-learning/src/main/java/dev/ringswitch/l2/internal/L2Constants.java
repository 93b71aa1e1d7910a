package dev.ringswitch.l2.internal;

/**
 * Names and defaults of the L2 learning module's configuration (PID {@value #PID}, file
 * {@code etc/ringswitch.l2.cfg}), in one place for the component, its config annotation and the tests.
 */
final class L2Constants {

    /** Configuration PID. */
    static final String PID = "ringswitch.l2";

    /** Module name, also the {@code ringswitch.module.name} service property. */
    static final String MODULE_NAME = "l2-learning";

    /** Property: idle time before a learned entry expires, seconds. */
    static final String AGING_SECONDS = "agingSeconds";
    /** Default of {@link #AGING_SECONDS}. */
    static final int AGING_SECONDS_DEFAULT = MacTable.DEFAULT_AGING_SECONDS;

    /** Property: cap on learned entries. */
    static final String MAX_ENTRIES = "maxEntries";
    /** Default of {@link #MAX_ENTRIES}. */
    static final int MAX_ENTRIES_DEFAULT = MacTable.DEFAULT_MAX_ENTRIES;

    /** How long a control operation waits for the datapath to release the table, milliseconds. */
    static final long CONTROL_LOCK_TIMEOUT_MILLIS = 2000;

    private L2Constants() {
    }
}
