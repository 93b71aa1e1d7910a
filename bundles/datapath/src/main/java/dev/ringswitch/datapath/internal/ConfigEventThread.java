package dev.ringswitch.datapath.internal;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Hashtable;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action on ConfigAdmin's event thread, after every configuration event queued before it has been handed to
 * every {@link ConfigurationListener}, and waits for it.
 *
 * <p>Why: FileInstall writes a configuration back into its file when it hears the configuration changed, on
 * ConfigAdmin's event thread, by checking that the file exists, then reading and rewriting it. A port file deleted
 * from another thread can go between the check and the read ("Unable to save configuration" in the log), or be
 * written again after the deletion, and the next scan would bring the removed port back. Changes keep coming while a
 * removal runs (FileInstall's scan updating the configuration from the new file, ConfigAdmin's echo of the last save),
 * so waiting for the events queued so far is not enough: the file must be deleted on that thread, where FileInstall's
 * check and read cannot be interleaved with it, and every later check finds it gone.
 *
 * <p>How: ConfigAdmin hands events to listeners on one thread, in the order they happened, each event to every
 * listener before the next. {@link #runAfterQueuedEvents} queues the action, updates a configuration of its own
 * ({@value #PID}), and this listener runs the action when it hears of that update. FileInstall hearing of the same
 * update acts on a configuration without a file, so it touches no port file.
 *
 * <p>Thread-safety: any thread may call {@link #runAfterQueuedEvents}; tickets are taken and marker updates made under
 * one lock, so the n-th marker event heard is the n-th ticket's. An action runs once: on the event thread, or, if
 * that thread has not come to it within the timeout (it is busy elsewhere), on the caller's. On the event thread
 * itself the action runs at once: waiting there for that thread would wait out the timeout.
 */
final class ConfigEventThread implements ConfigurationListener {

    /** The marker configuration's PID; an operator may see it in {@code config:list}. */
    static final String PID = "ringswitch.port.events";

    private final ConfigurationAdmin configAdmin;
    private final Object lock = new Object();
    private final Queue<Pending> pending = new ArrayDeque<>();
    private long issued;
    private long heard;
    private volatile Thread eventThread;

    /**
     * @param configAdmin the ConfigurationAdmin whose events this listener is registered for
     */
    ConfigEventThread(ConfigurationAdmin configAdmin) {
        this.configAdmin = Objects.requireNonNull(configAdmin, "configAdmin");
    }

    /**
     * Runs an action on ConfigAdmin's event thread once every event queued before this call has been handled, and
     * returns when it has run.
     *
     * @param action what to run; its exceptions reach the caller
     * @param timeoutNanos how long to wait for the event thread before running the action on the calling thread
     * @return {@code true} if the action ran on the event thread, {@code false} if it ran on the calling thread
     * @throws IOException if the action threw it
     */
    boolean runAfterQueuedEvents(Action action, long timeoutNanos) throws IOException {
        if (Thread.currentThread() == eventThread) {
            action.run();
            return true;
        }
        Pending job;
        boolean queued = true;
        synchronized (lock) {
            job = new Pending(action, ++issued);
            pending.add(job);
            try {
                Configuration marker = configAdmin.getConfiguration(PID, "?");
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put("description", "RingSwitch internal: orders the removal of port files after pending"
                        + " configuration events; not a setting");
                properties.put("ticket", job.ticket);
                marker.update(properties);
            } catch (IOException | IllegalStateException e) {
                // No event will come for it: run it here, at once.
                pending.remove(job);
                issued--;
                queued = false;
            }
        }
        if (!queued) {
            job.runIfUnclaimed();
            job.rethrow();
            return false;
        }
        boolean onEventThread = job.await(timeoutNanos);
        job.rethrow();
        return onEventThread;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        eventThread = Thread.currentThread();
        if (event.getType() != ConfigurationEvent.CM_UPDATED || !PID.equals(event.getPid())) {
            return;
        }
        while (true) {
            Pending job;
            synchronized (lock) {
                if (heard < issued) {
                    heard++;
                }
                job = pending.peek() != null && pending.peek().ticket <= heard ? pending.poll() : null;
            }
            if (job == null) {
                return;
            }
            job.runIfUnclaimed();
        }
    }

    /** An action that may fail with an I/O error. */
    @FunctionalInterface
    interface Action {
        /**
         * @throws IOException if it fails
         */
        void run() throws IOException;
    }

    /** A queued action, run once by whichever thread claims it first. */
    private static final class Pending {
        private final Action action;
        private final long ticket;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile IOException failure;
        private volatile RuntimeException crash;

        Pending(Action action, long ticket) {
            this.action = action;
            this.ticket = ticket;
        }

        /** @return whether this thread ran it */
        boolean runIfUnclaimed() {
            if (!claimed.compareAndSet(false, true)) {
                return false;
            }
            try {
                action.run();
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                crash = e;
            } finally {
                done.countDown();
            }
            return true;
        }

        /** @return {@code true} if the event thread ran it, {@code false} if this thread did after the timeout */
        boolean await(long timeoutNanos) {
            boolean interrupted = false;
            try {
                if (done.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            try {
                if (runIfUnclaimed()) {
                    return false;
                }
                // The event thread has begun it: an action is a few file operations, so wait for their end.
                while (true) {
                    try {
                        done.await();
                        return true;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void rethrow() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (crash != null) {
                throw crash;
            }
        }
    }
}
