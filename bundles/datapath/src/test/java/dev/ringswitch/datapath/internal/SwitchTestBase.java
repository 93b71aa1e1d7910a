package dev.ringswitch.datapath.internal;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Owns the test's switch and helper threads and always stops them, also when the test fails.
 */
abstract class SwitchTestBase {

    /** How long a test waits for frames or counters at most. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Sender and receiver need threads of their own: the common pool has one thread on a 2-core machine. */
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    SwitchFixture fx;

    @AfterEach
    void stopSwitch() {
        pool.shutdownNow();
        if (fx != null) {
            fx.close();
        }
    }
}
