package dev.ringswitch.datapath.internal.support;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.testkit.InMemoryTapPort;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Sequence-numbered test frames and waiting helpers.
 */
public final class Traffic {

    /** Offset of the sequence number in a test frame: right after the Ethernet header. */
    public static final int SEQ_OFFSET = 14;
    /** Frames in flight allowed by {@link #injectWindowed}: less than the in-memory egress queue holds. */
    public static final int WINDOW = 2048;

    private Traffic() {
    }

    /**
     * @param source the source MAC bits
     * @param seq a sequence number
     * @param length the frame length
     * @return a broadcast frame carrying {@code seq}
     */
    public static byte[] frame(long source, long seq, int length) {
        byte[] payload = ByteBuffer.allocate(8).putLong(seq).array();
        return FrameBuilder.ethernet().source(new MacAddress(source)).payload(payload)
                .length(length).build();
    }

    /** @param frame a test frame @return its sequence number */
    public static long seq(byte[] frame) {
        return ByteBuffer.wrap(frame, SEQ_OFFSET, 8).getLong();
    }

    /**
     * Injects, retrying while the port's queue is full (the datapath drains it).
     *
     * @param port the port
     * @param frame the frame
     */
    public static void inject(InMemoryTapPort port, byte[] frame) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!port.inject(frame)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(port.name() + ": could not inject for 10 s");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /**
     * Injects with a flow-control window, as TCP would: at most {@link #WINDOW} frames in flight, so that a slow
     * receiver thread never makes the port's egress queue overflow (which would be a test artefact, not a loss in
     * the datapath).
     *
     * @param port the port
     * @param received frames the receiver has taken so far
     * @param seq frames sent before this one
     * @param frame the frame
     */
    public static void injectWindowed(InMemoryTapPort port, AtomicLong received, long seq, byte[] frame) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (seq - received.get() >= WINDOW) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(port.name() + ": receiver stalled at " + received.get() + " of " + seq);
            }
            LockSupport.parkNanos(20_000);
        }
        inject(port, frame);
    }

    /**
     * Waits for a condition, polling.
     *
     * @param what described in the failure
     * @param condition the condition
     * @param timeout how long at most
     */
    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
