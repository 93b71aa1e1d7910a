package dev.ringswitch.datapath.internal;

import dev.ringswitch.datapath.internal.support.FakeConfigAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConfigEventThread} with an in-memory ConfigAdmin whose listeners hear events on their own thread.
 */
class ConfigEventThreadTest {

    private static final long A_LONG_TIME = TimeUnit.SECONDS.toNanos(10);

    private final FakeConfigAdmin cm = new FakeConfigAdmin();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        cm.close();
    }

    @Test
    void runsTheActionOnTheEventThreadAfterEveryEarlierEvent() throws Exception {
        cm.addListener(event -> {
            if (event.getPid().startsWith("slow.")) {
                LockSupport.parkNanos(100_000_000L);
                log.add("handled " + event.getPid());
            }
        });
        ConfigEventThread events = new ConfigEventThread(cm);
        cm.addListener(events);
        cm.getConfiguration("slow.a", "?").update(new Hashtable<>());
        cm.getConfiguration("slow.b", "?").update(new Hashtable<>());

        assertTrue(events.runAfterQueuedEvents(() -> log.add("action on " + Thread.currentThread().getName()),
                A_LONG_TIME));

        assertEquals(List.of("handled slow.a", "handled slow.b", "action on fake CM event dispatcher"), log);
        assertTrue(cm.pids().contains(ConfigEventThread.PID), "the marker is a configuration like any other");
    }

    @Test
    void runsTheActionOnTheCallersThreadWhenTheEventThreadDoesNotComeToIt() throws Exception {
        // Not registered as a listener: it never hears of its marker, as when ConfigAdmin's event thread is stuck.
        ConfigEventThread events = new ConfigEventThread(cm);
        cm.addListener(event -> { });

        assertFalse(events.runAfterQueuedEvents(() -> log.add("action on " + Thread.currentThread().getName()),
                TimeUnit.MILLISECONDS.toNanos(50)));

        assertEquals(List.of("action on " + Thread.currentThread().getName()), log);
    }

    @Test
    void runsTheActionAtOnceWhenNoMarkerCanBeWritten() throws Exception {
        ConfigurationAdmin broken = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                    throw new IOException("configuration store unavailable");
                });
        ConfigEventThread events = new ConfigEventThread(broken);
        CompletableFuture<Boolean> ran = CompletableFuture.supplyAsync(() -> {
            try {
                return events.runAfterQueuedEvents(() -> log.add("ran"), A_LONG_TIME);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        // Not after the timeout: no event can come for a marker that was never written.
        assertFalse(ran.get(A_LONG_TIME / 2, TimeUnit.NANOSECONDS));
        assertEquals(List.of("ran"), log);
    }

    @Test
    void anActionRunsOnce_evenWhenItsEventComesAfterTheTimeout() throws Exception {
        ConfigEventThread events = new ConfigEventThread(cm);
        AtomicBoolean release = new AtomicBoolean();
        cm.addListener(event -> {
            while (!release.get()) {
                LockSupport.parkNanos(1_000_000L);
            }
        });
        cm.addListener(events);

        assertFalse(events.runAfterQueuedEvents(() -> log.add("ran"), TimeUnit.MILLISECONDS.toNanos(50)));
        release.set(true);
        assertTrue(events.runAfterQueuedEvents(() -> log.add("next"), A_LONG_TIME));

        assertEquals(List.of("ran", "next"), log);
    }

    @Test
    void onTheEventThreadTheActionRunsAtOnce() throws Exception {
        ConfigEventThread events = new ConfigEventThread(cm);
        cm.addListener(events);
        AtomicBoolean ranOnEventThread = new AtomicBoolean();
        cm.addListener(event -> {
            if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getPid().equals("trigger")) {
                try {
                    // Waiting for its own thread would end in a timeout, and false.
                    ranOnEventThread.set(events.runAfterQueuedEvents(() -> log.add("nested"), A_LONG_TIME));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        });
        cm.getConfiguration("trigger", "?").update(new Hashtable<>());
        assertTrue(events.runAfterQueuedEvents(() -> log.add("after"), A_LONG_TIME), "the event thread went on");

        assertTrue(ranOnEventThread.get(), "on the event thread it waited for itself");
        assertEquals(List.of("nested", "after"), log);
    }

    @Test
    void theActionsFailureReachesTheCaller() {
        ConfigEventThread events = new ConfigEventThread(cm);
        cm.addListener(events);

        IOException e = assertThrows(IOException.class, () -> events.runAfterQueuedEvents(() -> {
            throw new IOException("disk full");
        }, A_LONG_TIME));
        assertEquals("disk full", e.getMessage());
    }
}
