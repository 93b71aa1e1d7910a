package dev.ringswitch.api.datapath;

import java.util.List;
import java.util.Objects;

/**
 * How long one forwarding module takes per frame, as a histogram with fixed buckets.
 *
 * <p>The datapath times a module once per batch (two clock reads around its pass over the whole batch; reading the
 * clock around every frame would cost as much as a small module), so each batch adds all of its frames to the
 * bucket of its mean time per frame. {@link #sumNanos} is exact; the bucket of a single frame is that of its batch.
 *
 * @param name the module's name
 * @param position its place in the pipeline, 1 = first (as in {@link ModuleInfo#position()})
 * @param bucketCounts frames per bucket, <em>not</em> cumulative: element {@code i} counts frames whose time was
 *                     above {@code BOUNDS_NANOS[i-1]} and at most {@code BOUNDS_NANOS[i]}; the last element, at index
 *                     {@code BOUNDS_NANOS.size()}, counts frames above the largest bound
 * @param count frames timed (the sum of {@code bucketCounts})
 * @param sumNanos total time spent in the module, in nanoseconds
 * @since 1.1
 */
public record ModuleTiming(String name, int position, List<Long> bucketCounts, long count, long sumNanos) {

    /**
     * Upper bounds of the buckets, in nanoseconds per frame, ascending: from a trivial observer (about 10 ns) to a
     * module that spends a tenth of a millisecond on a frame.
     */
    public static final List<Long> BOUNDS_NANOS = List.of(10L, 25L, 50L, 100L, 250L, 500L, 1_000L, 2_500L, 10_000L,
            100_000L);

    /**
     * Checks and copies the buckets.
     *
     * @throws IllegalArgumentException if there is not one count per bucket plus one for overflow
     */
    public ModuleTiming {
        Objects.requireNonNull(name, "name");
        bucketCounts = List.copyOf(bucketCounts);
        if (bucketCounts.size() != BOUNDS_NANOS.size() + 1) {
            throw new IllegalArgumentException("module " + name + ": " + bucketCounts.size()
                    + " bucket counts, expected " + (BOUNDS_NANOS.size() + 1));
        }
    }

    /**
     * @param nanos a time per frame, in nanoseconds
     * @return the index of its bucket in {@link #bucketCounts}
     */
    public static int bucketOf(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.size() && nanos > BOUNDS_NANOS.get(i)) {
            i++;
        }
        return i;
    }
}
