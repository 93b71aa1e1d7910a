package dev.ringswitch.datapath.internal;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Lets a thread wait until ConfigAdmin has handed every configuration event queued so far to every
 * {@link ConfigurationListener}.
 *
 * <p>Why: FileInstall writes a configuration back into its file when it hears the configuration changed, by checking
 * that the file exists, then reading and rewriting it, on ConfigAdmin's event thread. A port removed right after it
 * was added (or reconfigured) has its file deleted while that event may still be pending or in progress: FileInstall
 * then logs "Unable to save configuration" (the file went between its check and its read), or rewrites the file after
 * the deletion and the next scan brings the removed port back. Deleting the file only after the events queued before
 * the removal have been handled closes that race.
 *
 * <p>How: ConfigAdmin hands events to listeners on one thread, in the order they happened, each event to every
 * listener before the next. {@link #await} updates a configuration of its own ({@value #PID}) and waits until this
 * listener hears of it: by then every earlier event has been handled by everyone. A listener that runs for the same
 * event as ours (FileInstall hearing of our marker) acts on a configuration without a file, so it touches no port
 * file.
 *
 * <p>Thread-safety: any thread may call {@link #await}; tickets are taken and marker updates made under one lock, so
 * the n-th marker event heard is the n-th ticket's. On ConfigAdmin's event thread itself {@link #await} returns at
 * once: waiting there for that thread would wait out the timeout.
 */
final class ConfigEventBarrier implements ConfigurationListener {

    /** The marker configuration's PID; an operator may see it in {@code config:list}. */
    static final String PID = "ringswitch.port.events";

    private final ConfigurationAdmin configAdmin;
    private final Object lock = new Object();
    private long issued;
    private long heard;
    private volatile Thread eventThread;

    /**
     * @param configAdmin the ConfigurationAdmin whose events this listener is registered for
     */
    ConfigEventBarrier(ConfigurationAdmin configAdmin) {
        this.configAdmin = Objects.requireNonNull(configAdmin, "configAdmin");
    }

    /**
     * Waits until every configuration event queued before this call has been handed to every listener.
     *
     * @param timeoutNanos the longest wait
     * @return {@code true} if it has, {@code false} if the wait timed out or no marker could be written
     */
    boolean await(long timeoutNanos) {
        if (Thread.currentThread() == eventThread) {
            return true;
        }
        long ticket;
        synchronized (lock) {
            ticket = ++issued;
            try {
                Configuration marker = configAdmin.getConfiguration(PID, "?");
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put("description", "RingSwitch internal: orders the removal of port files after pending"
                        + " configuration events; not a setting");
                properties.put("ticket", ticket);
                marker.update(properties);
            } catch (IOException | IllegalStateException e) {
                issued--;
                return false;
            }
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (heard < ticket) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        eventThread = Thread.currentThread();
        if (event.getType() == ConfigurationEvent.CM_UPDATED && PID.equals(event.getPid())) {
            synchronized (lock) {
                heard++;
                lock.notifyAll();
            }
        }
    }
}
