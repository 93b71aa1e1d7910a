package dev.ringswitch.l2.internal.support;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A nanosecond clock that only moves when the test says so. Thread-safe (volatile), for tests with a reader thread.
 */
public final class FakeClock implements LongSupplier {

    private volatile long nanos = TimeUnit.HOURS.toNanos(1);

    @Override
    public long getAsLong() {
        return nanos;
    }

    /** @param seconds how far to move time forward */
    public void advanceSeconds(long seconds) {
        nanos += TimeUnit.SECONDS.toNanos(seconds);
    }

    /** @param millis how far to move time forward */
    public void advanceMillis(long millis) {
        nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
