package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.module.DropReason;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Frames dropped per {@link DropReason} before or in the pipeline, switch-wide. Written by the worker thread only
 * (opaque stores); read by control threads. Outlives ring restarts.
 */
final class DropCounters {

    private static final VarHandle ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[DropReason.values().length];

    /** Worker thread only. @param reason why */
    void add(DropReason reason) {
        int i = reason.ordinal();
        ELEMENT.setOpaque(counts, i, counts[i] + 1);
    }

    /** @param reason a reason @return frames dropped for it; any thread */
    long get(DropReason reason) {
        return (long) ELEMENT.getOpaque(counts, reason.ordinal());
    }
}
