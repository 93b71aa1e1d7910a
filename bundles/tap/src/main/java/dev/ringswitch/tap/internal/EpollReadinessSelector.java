package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;
import dev.ringswitch.tap.internal.ffm.Linux;
import dev.ringswitch.tap.internal.ffm.Structs;
import dev.ringswitch.tap.internal.ffm.TapControl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@link ReadinessSelector} over a level-triggered epoll instance, woken up through an eventfd.
 *
 * <p>Each registered port's fd is watched for {@code EPOLLIN} with the caller's token as the event's
 * {@code data.u64}; the eventfd is registered with {@link #WAKEUP_DATA}, which no token can equal. Level-triggered
 * means a port left with queued frames after a partial drain is reported again by the next {@link #select}, so the
 * datapath may bound its batch per port without losing a wake-up. EPOLLERR and EPOLLHUP are reported like
 * readability: the following {@code read} then throws the real error.
 *
 * <p>{@link #select} reuses one preallocated event array and errno segment, so it allocates nothing; it is for one
 * thread. {@link #register}, {@link #deregister} and {@link #wakeup} may be called from any thread.
 */
public final class EpollReadinessSelector implements ReadinessSelector {

    /** Most events one {@link #select} returns; more ready ports are reported by the next call. */
    public static final int MAX_EVENTS = 256;

    /** The eventfd's {@code data.u64}: negative, so never a token. */
    static final long WAKEUP_DATA = -1L;

    /** Name used in messages for operations that concern no single interface. */
    private static final String SELF = "epoll";

    private final int epollFd;
    private final int eventFd;
    private final Consumer<EpollReadinessSelector> onClose;
    // Automatic arena: nothing to close, and no explicit close can race with a thread inside epoll_wait.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment events = arena.allocate(Structs.EPOLL_EVENT, MAX_EVENTS);
    private final MemorySegment selectErrno = LibC.allocateErrnoState(arena);
    private final MemorySegment drained = arena.allocate(JAVA_LONG);
    private final MemorySegment one = arena.allocateFrom(JAVA_LONG, 1L);
    // wakeup() ignores its errno (the only possible failure, EAGAIN, means a wake-up is already pending), so all
    // waking threads may share one capture segment without anyone reading it.
    private final MemorySegment wakeupErrno = LibC.allocateErrnoState(arena);
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the epoll instance and the wake-up eventfd.
     *
     * @param onClose told once when this selector is closed
     * @throws PortException if the kernel refuses (out of fds, ...)
     */
    EpollReadinessSelector(Consumer<EpollReadinessSelector> onClose) {
        this.onClose = onClose;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(local);
            epollFd = LibC.epollCreate1(errno, Linux.EPOLL_CLOEXEC);
            if (epollFd < 0) {
                throw Errno.failure(SELF, "epoll_create1", LibC.errno(errno));
            }
            eventFd = LibC.eventfd(errno, 0, Linux.EFD_NONBLOCK | Linux.EFD_CLOEXEC);
            if (eventFd < 0) {
                int error = LibC.errno(errno);
                TapControl.closeFd(epollFd);
                throw Errno.failure(SELF, "eventfd", error);
            }
            MemorySegment event = local.allocate(Structs.EPOLL_EVENT);
            Structs.epollEvent(event, Linux.EPOLLIN, WAKEUP_DATA);
            if (LibC.epollCtl(errno, epollFd, Linux.EPOLL_CTL_ADD, eventFd, event) < 0) {
                int error = LibC.errno(errno);
                TapControl.closeFd(eventFd);
                TapControl.closeFd(epollFd);
                throw Errno.failure(SELF, "epoll_ctl(ADD, eventfd)", error);
            }
        }
    }

    @Override
    public void register(TapPort port, int token) {
        if (token < 0) {
            throw new IllegalArgumentException("selector token must be non-negative, got " + token);
        }
        NativeTapPort tap = nativePort(port);
        ensureOpen();
        if (tap.isClosed()) {
            throw new IllegalArgumentException("cannot register " + tap.name() + " with a selector: port is closed");
        }
        try (Arena local = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(local);
            MemorySegment event = local.allocate(Structs.EPOLL_EVENT);
            Structs.epollEvent(event, Linux.EPOLLIN, token);
            String operation = "epoll_ctl(ADD)";
            int result = LibC.epollCtl(errno, epollFd, Linux.EPOLL_CTL_ADD, tap.fd(), event);
            if (result < 0 && LibC.errno(errno) == Errno.EEXIST) {
                // Already registered: a second register changes the token.
                operation = "epoll_ctl(MOD)";
                result = LibC.epollCtl(errno, epollFd, Linux.EPOLL_CTL_MOD, tap.fd(), event);
            }
            if (result < 0) {
                throw Errno.failure(tap.name(), operation, LibC.errno(errno));
            }
        }
    }

    @Override
    public void deregister(TapPort port) {
        NativeTapPort tap = nativePort(port);
        // The kernel drops a closed fd from every epoll set by itself; and a closed port's fd number may already
        // belong to another port, which must not be removed.
        if (isClosed() || tap.isClosed()) {
            return;
        }
        try (Arena local = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(local);
            if (LibC.epollCtl(errno, epollFd, Linux.EPOLL_CTL_DEL, tap.fd(), MemorySegment.NULL) < 0) {
                int error = LibC.errno(errno);
                if (error != Errno.ENOENT && error != Errno.EBADF) {
                    throw Errno.failure(tap.name(), "epoll_ctl(DEL)", error);
                }
            }
        }
    }

    @Override
    public int select(int[] readyTokens, int timeoutMillis) {
        int max = Math.min(readyTokens.length, MAX_EVENTS);
        if (max == 0) {
            throw new IllegalArgumentException("readyTokens must have room for at least one token");
        }
        ensureOpen();
        int n = LibC.epollWait(selectErrno, epollFd, events, max, timeoutMillis);
        if (n < 0) {
            int error = LibC.errno(selectErrno);
            if (error == Errno.EINTR) {
                // A signal interrupted the wait: report nothing, as a wake-up would; the caller selects again.
                return 0;
            }
            throw Errno.failure(SELF, "epoll_wait", error);
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            long data = Structs.epollData(events, i);
            if (data == WAKEUP_DATA) {
                // Reset the eventfd counter so that the next select blocks again.
                LibC.read(selectErrno, eventFd, drained.address(), JAVA_LONG.byteSize());
            } else {
                readyTokens[count++] = (int) data;
            }
        }
        return count;
    }

    @Override
    public void wakeup() {
        if (!isClosed()) {
            LibC.write(wakeupErrno, eventFd, one.address(), JAVA_LONG.byteSize());
        }
    }

    /** @return whether {@link #close} has been called */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the epoll and eventfd descriptors, after waking a blocked {@link #select} (which then returns 0; the
     * next call throws). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LibC.write(wakeupErrno, eventFd, one.address(), JAVA_LONG.byteSize());
        TapControl.closeFd(epollFd);
        TapControl.closeFd(eventFd);
        onClose.accept(this);
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new IllegalStateException("the readiness selector is closed");
        }
    }

    private static NativeTapPort nativePort(TapPort port) {
        if (port instanceof NativeTapPort tap) {
            return tap;
        }
        throw new IllegalArgumentException("port " + (port == null ? null : port.name())
                + " was not opened by the TAP provider, so it cannot be watched by its selector");
    }
}
