package dev.ringswitch.l2.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Typed configuration of the L2 learning module, PID {@code ringswitch.l2}. Property names are the method names
 * ({@link L2Constants#AGING_SECONDS}, {@link L2Constants#MAX_ENTRIES}, {@link L2Constants#FLAP_MOVES},
 * {@link L2Constants#FLAP_WINDOW_SECONDS}); values out of range are clamped to the range
 * with a warning, as Open vSwitch does.
 */
@ObjectClassDefinition(id = L2Constants.PID, name = "RingSwitch L2 learning",
        description = "MAC table of the L2 learning module")
@interface L2Config {

    /** @return idle time before a learned entry expires, seconds */
    @AttributeDefinition(name = "Aging time (s)", min = "" + MacTable.MIN_AGING_SECONDS,
            max = "" + MacTable.MAX_AGING_SECONDS,
            description = "Seconds without a frame from a station before its entry expires (10..86400)")
    int agingSeconds() default L2Constants.AGING_SECONDS_DEFAULT;

    /** @return the cap on learned entries */
    @AttributeDefinition(name = "Maximum learned entries", min = "" + MacTable.MIN_MAX_ENTRIES,
            max = "" + MacTable.MAX_MAX_ENTRIES,
            description = "Learned entries the table holds at most; when full, the port holding the most entries"
                    + " loses its least recently used one (16..1000000)")
    int maxEntries() default L2Constants.MAX_ENTRIES_DEFAULT;

    /** @return moves within the flap window that make a station flapping */
    @AttributeDefinition(name = "Flap threshold (moves)", min = "" + MacTable.MIN_FLAP_MOVES,
            max = "" + MacTable.MAX_FLAP_MOVES,
            description = "A station that moves between ports this many times within the flap window is reported as"
                    + " flapping (a loop or a duplicate address), by name, in the log and the metrics (2..1000000)")
    int flapMoves() default L2Constants.FLAP_MOVES_DEFAULT;

    /** @return the flap window, seconds */
    @AttributeDefinition(name = "Flap window (s)", min = "" + MacTable.MIN_FLAP_WINDOW_SECONDS,
            max = "" + MacTable.MAX_FLAP_WINDOW_SECONDS,
            description = "Seconds from a station's first move in which its moves are counted (1..3600)")
    int flapWindowSeconds() default L2Constants.FLAP_WINDOW_SECONDS_DEFAULT;
}
