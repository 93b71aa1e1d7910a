package dev.ringswitch.datapath.internal;

import org.slf4j.Logger;

/**
 * Lets through at most {@link #BURST} log lines per {@link #WINDOW_NANOS} for one subject (a module or a port) and
 * counts the rest, so that a module throwing on every frame costs a few lines a second, not a flooded log. The next
 * line let through reports how many were suppressed. Each instance is used by one thread (the datapath thread that
 * owns the subject); nothing is allocated unless a line is actually logged.
 */
final class RateLimitedLog {

    /** Lines per window. */
    static final int BURST = 5;
    /** The window: one second, in nanoseconds. */
    static final long WINDOW_NANOS = 1_000_000_000L;

    private final String subject;
    private long windowStart = System.nanoTime() - WINDOW_NANOS;
    private int linesInWindow;
    private long suppressed;

    /** @param subject named first on every line, e.g. the module or port name */
    RateLimitedLog(String subject) {
        this.subject = subject;
    }

    /** @return whether a line may be logged now; if false it was counted as suppressed */
    boolean allow() {
        long now = System.nanoTime();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow < BURST) {
            linesInWindow++;
            return true;
        }
        suppressed++;
        return false;
    }

    /**
     * Logs a warning if the rate allows.
     *
     * @param log the class logger
     * @param what the message after the subject
     * @param cause logged with its stack trace when {@code withTrace}, else its toString only
     * @param withTrace whether to print the stack trace
     */
    void warn(Logger log, String what, Throwable cause, boolean withTrace) {
        if (!allow()) {
            return;
        }
        String line = subject + ": " + what + (cause != null && !withTrace ? ": " + cause : "") + suppressedNote();
        if (withTrace && cause != null) {
            log.warn(line, cause);
        } else {
            log.warn(line);
        }
    }

    private String suppressedNote() {
        if (suppressed == 0) {
            return "";
        }
        String note = " (" + suppressed + " similar messages suppressed)";
        suppressed = 0;
        return note;
    }

    /** @return lines suppressed since the last line logged */
    long suppressed() {
        return suppressed;
    }
}
