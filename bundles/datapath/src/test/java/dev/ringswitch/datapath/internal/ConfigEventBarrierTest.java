package dev.ringswitch.datapath.internal;

import dev.ringswitch.datapath.internal.support.FakeConfigAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.ConfigurationEvent;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConfigEventBarrier} with an in-memory ConfigAdmin whose listeners hear events on their own thread.
 */
class ConfigEventBarrierTest {

    private static final long A_LONG_TIME = TimeUnit.SECONDS.toNanos(10);

    private final FakeConfigAdmin cm = new FakeConfigAdmin();

    @AfterEach
    void close() {
        cm.close();
    }

    @Test
    void returnsOnlyAfterEveryEarlierEventWasHandled() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        cm.addListener(event -> {
            if (event.getPid().startsWith("slow.")) {
                LockSupport.parkNanos(100_000_000L);
                handled.add(event.getPid());
            }
        });
        ConfigEventBarrier barrier = new ConfigEventBarrier(cm);
        cm.addListener(barrier);
        cm.getConfiguration("slow.a", "?").update(new Hashtable<>());
        cm.getConfiguration("slow.b", "?").update(new Hashtable<>());

        assertTrue(barrier.await(A_LONG_TIME));

        assertEquals(List.of("slow.a", "slow.b"), handled);
        assertTrue(cm.pids().contains(ConfigEventBarrier.PID), "the marker is a configuration like any other");
    }

    @Test
    void givesUpWhenNoEventArrives() {
        // Not registered as a listener: it never hears of its marker, as when ConfigAdmin's event thread is stuck.
        ConfigEventBarrier barrier = new ConfigEventBarrier(cm);
        cm.addListener(event -> { });

        assertFalse(barrier.await(TimeUnit.MILLISECONDS.toNanos(50)));
    }

    @Test
    void onTheEventThreadReturnsAtOnce() throws Exception {
        ConfigEventBarrier barrier = new ConfigEventBarrier(cm);
        cm.addListener(barrier);
        AtomicBoolean passedOnEventThread = new AtomicBoolean();
        cm.addListener(event -> {
            if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getPid().equals("trigger")) {
                // Waiting for its own thread would end in a timeout, and false.
                passedOnEventThread.set(barrier.await(A_LONG_TIME));
            }
        });
        cm.getConfiguration("trigger", "?").update(new Hashtable<>());
        assertTrue(barrier.await(A_LONG_TIME), "the event thread went on");

        assertTrue(passedOnEventThread.get(), "on the event thread it waited for itself");
    }
}
