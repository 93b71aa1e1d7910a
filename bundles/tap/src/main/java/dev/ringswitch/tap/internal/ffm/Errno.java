package dev.ringswitch.tap.internal.ffm;

import dev.ringswitch.api.port.PortException;

/**
 * The one place where an errno becomes an exception.
 *
 * <p>Every message has the same shape, so that an operator can grep for it and act on it:
 * {@code "<ifname>: <operation> failed: <ERRNO_SYMBOL> (<strerror text>); <fix hint>"}, for example
 * {@code "rs0: ioctl(TUNSETIFF) failed: EPERM (Operation not permitted); creating TAP devices needs CAP_NET_ADMIN
 * ..."}. The errnos a caller branches on get their own subclasses: EPERM and EACCES are
 * {@link PortException.PermissionDenied}, EBUSY and EEXIST {@link PortException.NameInUse}. EAGAIN never gets here:
 * it is a result ({@code TapPort.WOULD_BLOCK}), and EINTR is retried by the callers.
 *
 * <p>Exceptions raised by frame I/O on the datapath ({@link #ioFailure}) carry no stack trace: the datapath counts
 * them, and filling in a trace for every frame sent to a link that is down would cost more than the syscall.
 */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call: retry. */
    public static final int EINTR = 4;
    /** Input/output error: a TAP write to a link that is down. */
    public static final int EIO = 5;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable (= EWOULDBLOCK): nothing to read, or the queue is full. */
    public static final int EAGAIN = 11;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Function not implemented: a kernel without the system call. */
    public static final int ENOSYS = 38;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;

    /** Hint for EPERM/EACCES: what the process needs. */
    public static final String HINT_PERMISSION = "creating and configuring TAP devices needs CAP_NET_ADMIN (run as"
            + " root, or grant the capability, e.g. AmbientCapabilities=CAP_NET_ADMIN in the systemd unit), and"
            + " /dev/net/tun must exist and be readable and writable";
    /** Hint for ENOENT when opening /dev/net/tun. */
    public static final String HINT_NO_TUN = "/dev/net/tun does not exist: load the TUN/TAP driver with"
            + " 'modprobe tun' (in a container, pass the device in, e.g. --device /dev/net/tun)";
    /** Hint for EBUSY/EEXIST. */
    public static final String HINT_NAME_IN_USE = "the name is taken by another device or process (a TAP without"
            + " multi-queue can be open only once): choose another name or stop the other user";

    /**
     * Symbols of the errnos from {@code asm-generic/errno-base.h} (1..34, the same on every Linux architecture);
     * higher ones that TAP code can meet are in {@link #symbol}.
     */
    private static final String[] BASE_SYMBOLS = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL",
        "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM",
        "ERANGE",
    };

    private Errno() {
    }

    /**
     * @param errno an error number
     * @return its symbolic name, e.g. {@code EPERM}, or {@code errno 123} for one this class does not know
     */
    public static String symbol(int errno) {
        if (errno > 0 && errno < BASE_SYMBOLS.length) {
            return BASE_SYMBOLS[errno];
        }
        // asm-generic/errno.h values, which x86_64 and AArch64 use.
        return switch (errno) {
            case 36 -> "ENAMETOOLONG";
            case ENOSYS -> "ENOSYS";
            case 77 -> "EBADFD";
            case 88 -> "ENOTSOCK";
            case 90 -> "EMSGSIZE";
            case 93 -> "EPROTONOSUPPORT";
            case 95 -> "EOPNOTSUPP";
            case 97 -> "EAFNOSUPPORT";
            case 98 -> "EADDRINUSE";
            case 99 -> "EADDRNOTAVAIL";
            case 100 -> "ENETDOWN";
            case 105 -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    /**
     * @param errno an error number
     * @return e.g. {@code EPERM (Operation not permitted)}
     */
    public static String describe(int errno) {
        return symbol(errno) + " (" + LibC.strerror(errno) + ")";
    }

    /**
     * Builds the exception for a failed control operation, with the default hint for its errno.
     *
     * @param ifname the interface concerned
     * @param operation the failed step, e.g. {@code ioctl(SIOCSIFMTU)}
     * @param errno the errno it left
     * @return the exception to throw: {@link PortException.PermissionDenied}, {@link PortException.NameInUse} or a
     *         plain {@link PortException}
     */
    public static PortException failure(String ifname, String operation, int errno) {
        return failure(ifname, operation, errno, defaultHint(errno));
    }

    /**
     * Builds the exception for a failed control operation with a caller-specific hint.
     *
     * @param ifname the interface concerned
     * @param operation the failed step
     * @param errno the errno it left
     * @param hint what the operator should do
     * @return the exception to throw, of the subclass that matches the errno
     */
    public static PortException failure(String ifname, String operation, int errno, String hint) {
        String message = message(ifname, operation, errno, hint);
        return switch (errno) {
            case EPERM, EACCES -> new PortException.PermissionDenied(ifname, operation, errno, message);
            case EBUSY, EEXIST -> new PortException.NameInUse(ifname, operation, errno, message);
            default -> new PortException(ifname, operation, errno, message);
        };
    }

    /**
     * Builds a {@link PortException.NameInUse} for an errno that does not say so by itself, e.g. EINVAL from
     * TUNSETIFF when the name belongs to an interface that is not a TAP.
     *
     * @param ifname the interface concerned
     * @param operation the failed step
     * @param errno the errno it left
     * @param hint what is using the name, and what to do
     * @return the exception to throw
     */
    public static PortException.NameInUse nameInUse(String ifname, String operation, int errno, String hint) {
        return new PortException.NameInUse(ifname, operation, errno, message(ifname, operation, errno, hint));
    }

    /**
     * Builds the exception for failed frame I/O on the datapath: no stack trace.
     *
     * @param ifname the interface concerned
     * @param operation {@code read} or {@code write}
     * @param errno the errno it left (never EAGAIN or EINTR)
     * @return the exception to throw
     */
    public static PortException ioFailure(String ifname, String operation, int errno) {
        return new StacklessPortException(ifname, operation, errno, message(ifname, operation, errno,
                defaultHint(errno)));
    }

    /**
     * Formats the one message shape.
     *
     * @param ifname the interface concerned
     * @param operation the failed step
     * @param errno the errno it left
     * @param hint what to do
     * @return {@code "<ifname>: <operation> failed: <SYMBOL> (<text>); <hint>"}
     */
    public static String message(String ifname, String operation, int errno, String hint) {
        return ifname + ": " + operation + " failed: " + describe(errno) + "; " + hint;
    }

    private static String defaultHint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> HINT_PERMISSION;
            case EBUSY, EEXIST -> HINT_NAME_IN_USE;
            case ENODEV -> "the interface no longer exists (deleted), or was moved to a network namespace this process"
                    + " cannot join (setns needs CAP_SYS_ADMIN)";
            case EBADF -> "the port's file descriptor is closed";
            case EIO -> "the link is down: bring it up (frames to a down link are dropped)";
            case EADDRNOTAVAIL -> "the interface has no IPv4 address to apply this to";
            case EINVAL -> "the kernel rejected the value for this interface";
            default -> "see the kernel log (dmesg) for details";
        };
    }

    /** A {@link PortException} that skips the stack trace, for errors raised per frame. */
    private static final class StacklessPortException extends PortException {
        private static final long serialVersionUID = 1L;

        StacklessPortException(String ifname, String operation, int errno, String message) {
            super(ifname, operation, errno, message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
