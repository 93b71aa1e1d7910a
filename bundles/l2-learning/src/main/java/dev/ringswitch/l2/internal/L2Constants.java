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

    /** Property: moves within the flap window that make a station flapping. */
    static final String FLAP_MOVES = "flapMoves";
    /** Default of {@link #FLAP_MOVES}. */
    static final int FLAP_MOVES_DEFAULT = MacTable.DEFAULT_FLAP_MOVES;

    /** Property: length of a station's flap window, seconds. */
    static final String FLAP_WINDOW_SECONDS = "flapWindowSeconds";
    /** Default of {@link #FLAP_WINDOW_SECONDS}. */
    static final int FLAP_WINDOW_SECONDS_DEFAULT = MacTable.DEFAULT_FLAP_WINDOW_SECONDS;

    /** Flap reports logged at most once per this many nanoseconds (one second); the rest are counted. */
    static final long FLAP_LOG_INTERVAL_NANOS = 1_000_000_000L;

    /** How long a control operation waits for the datapath to release the table, milliseconds. */
    static final long CONTROL_LOCK_TIMEOUT_MILLIS = 2000;

    private L2Constants() {
    }
}
