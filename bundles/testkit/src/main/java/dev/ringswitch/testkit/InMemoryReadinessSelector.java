package dev.ringswitch.testkit;

import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ReadinessSelector} over {@link InMemoryTapPort}s, level-triggered like epoll.
 *
 * <p>{@link #select} scans the registered ports' queues; when none has a frame it parks. An injecting thread that
 * finds the selector parked unparks it: the selector announces itself (volatile write) and then re-scans, while the
 * injector publishes its frame (release) and then checks for a parked selector, so one of the two always sees the
 * other and no wakeup is lost. Nothing is locked or allocated per frame. Registrations are an immutable array
 * replaced on change (control path only).
 */
public final class InMemoryReadinessSelector implements ReadinessSelector {

    private record Registration(InMemoryTapPort port, int token) {
    }

    private volatile Registration[] registrations = new Registration[0];
    private volatile Thread parked;
    private volatile boolean wakeupPending;
    private volatile boolean closed;

    @Override
    public synchronized void register(TapPort port, int token) {
        if (!(port instanceof InMemoryTapPort memoryPort)) {
            throw new IllegalArgumentException("an in-memory selector only watches in-memory ports, not " + port);
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must not be negative: " + token);
        }
        memoryPort.attach(this);
        Registration[] old = registrations;
        Registration[] next = Arrays.copyOf(old, old.length + 1);
        next[old.length] = new Registration(memoryPort, token);
        registrations = next;
        readable();
    }

    @Override
    public synchronized void deregister(TapPort port) {
        Registration[] old = registrations;
        Registration[] next = Arrays.stream(old).filter(r -> r.port() != port).toArray(Registration[]::new);
        if (next.length != old.length) {
            registrations = next;
            if (port instanceof InMemoryTapPort memoryPort) {
                memoryPort.detach(this);
            }
        }
    }

    @Override
    public int select(int[] readyTokens, int timeoutMillis) {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        while (true) {
            int n = scan(readyTokens);
            if (n > 0 || timeoutMillis == 0 || closed) {
                return n;
            }
            if (wakeupPending) {
                wakeupPending = false;
                return 0;
            }
            parked = Thread.currentThread();
            n = scan(readyTokens);
            if (n > 0 || wakeupPending) {
                parked = null;
                wakeupPending = false;
                return n;
            }
            if (timeoutMillis < 0) {
                LockSupport.park(this);
            } else {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    parked = null;
                    return 0;
                }
                LockSupport.parkNanos(this, remaining);
            }
            parked = null;
        }
    }

    private int scan(int[] readyTokens) {
        Registration[] regs = registrations;
        int n = 0;
        for (int i = 0; i < regs.length && n < readyTokens.length; i++) {
            if (regs[i].port().hasIngress()) {
                regs[i].port().reportedReadable();
                readyTokens[n++] = regs[i].token();
            }
        }
        return n;
    }

    /** @return whether a thread is parked in {@link #select}, waiting for a frame */
    boolean waiting() {
        return parked != null;
    }

    /** Called by a port after queuing a frame. */
    void readable() {
        Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void wakeup() {
        wakeupPending = true;
        readable();
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Registration r : registrations) {
            r.port().detach(this);
        }
        registrations = new Registration[0];
        readable();
    }
}
