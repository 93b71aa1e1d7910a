package dev.ringswitch.tap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The only place where RingSwitch calls C: downcall handles to the libc system-call wrappers that TAP ports need.
 *
 * <h2>What is bound, and why through FFM</h2>
 * A TAP port is a file descriptor on {@code /dev/net/tun} configured with {@code ioctl}s, plus a throw-away
 * {@code AF_INET} datagram socket on which the classic {@code SIOC*} interface ioctls (flags, MTU, MAC, IPv4) are
 * issued, plus {@code epoll} and an {@code eventfd} to wait for many ports on one thread. All of that is a dozen libc
 * functions: {@code open close read write ioctl socket epoll_create1 epoll_ctl epoll_wait eventfd strerror}, and for
 * the io_uring batches {@code syscall} (glibc has no io_uring wrappers), {@code mmap} and {@code munmap}.
 * Binding them with the Foreign Function and Memory API ({@code java.lang.foreign}) means no JNI library to build
 * and ship per architecture, no JNA reflection on the datapath, and no {@code ip}/{@code ifconfig} processes.
 *
 * <h2>Handles are built once</h2>
 * Each function gets one {@code static final} {@link MethodHandle}, created when this class initialises. The JIT
 * treats a static final handle as a constant and inlines {@code invokeExact} down to the native call stub, so a
 * call costs about what a JNI call costs without the JNI glue. {@code invokeExact} requires the call site's types to
 * match the handle exactly (hence the explicit casts of the results); a mismatch would be a programming error found
 * by the first test, so the checked {@link Throwable} it declares is rethrown as an {@link AssertionError}.
 *
 * <h2>errno</h2>
 * Every call that can fail is linked with {@link Linker.Option#captureCallState(String...) captureCallState("errno")}:
 * the linker copies {@code errno} into a caller-supplied segment right after the call, before the JVM can run code
 * (GC, safepoint handling, another downcall) that would overwrite it. The capture segment is written by the call,
 * so every thread needs its own: a port preallocates one for its read direction and one for its write direction,
 * the selector one for its select thread, and control operations allocate one in their confined arena. Turning an
 * errno into an exception happens in exactly one place, {@link Errno}.
 *
 * <h2>ioctl is variadic</h2>
 * {@code int ioctl(int fd, unsigned long request, ...)}: the third argument is variadic, so both ioctl handles are
 * linked with {@link Linker.Option#firstVariadicArg(int) firstVariadicArg(2)}. On x86_64 this makes the stub set
 * {@code %al}; on ABIs that pass variadic arguments differently (Apple AArch64 puts them on the stack) it is the
 * difference between working and reading garbage. There are two handles because the argument is a pointer for most
 * requests ({@code struct ifreq *}, {@code int *}) and a plain integer for {@code TUNSETPERSIST}.
 *
 * <h2>read and write take the buffer address as a {@code long}: no allocation per frame</h2>
 * {@link dev.ringswitch.api.port.TapPort#read TapPort.read(buffer, offset, capacity)} must hand the kernel the
 * address {@code buffer + offset}. Linking {@code read} with an {@code ADDRESS} parameter would need a segment that
 * starts there, i.e. {@code buffer.asSlice(offset, length)}: a new object per frame. C2's escape analysis can remove
 * it, but only when the slice and the linker's argument-binding code inline into one compilation; the interpreter
 * and C1 always allocate it. Adapting the handle with {@code MethodHandles} does not help, because the adapter would
 * still have to build that segment. So {@link #read}/{@link #write} are linked with the buffer parameter as
 * {@code JAVA_LONG} and are passed {@code buffer.address() + offset}: a {@code void *} and a 64-bit integer travel in
 * the same integer register on every 64-bit ABI the JDK's linker supports (System V x86_64, AAPCS64, ppc64le,
 * s390x, riscv64), and there is no object left for the JIT to remove. The checks the linker would have made for an
 * {@code ADDRESS} argument are made instead by {@link #checkBuffer(MemorySegment, long, long, boolean)}: the
 * segment is native, the range is inside it, its arena is alive, the calling thread may access it and, for reads,
 * it is writable. The one thing given up is the linker's temporary acquisition of a shared arena during the call:
 * the owner of a shared buffer arena must not close it while a datapath thread is inside {@code read}/{@code write}
 * (the datapath closes its buffers only after its threads stopped). Callers keep the segment object reachable across
 * the call with {@link java.lang.ref.Reference#reachabilityFence(Object)}, so that an {@link Arena#ofAuto()
 * automatic} arena cannot be freed by the GC mid-call. Measured ({@code bench/tap-syscall}): once compiled, both
 * variants allocate 0 bytes per frame in the benchmark's tight loop (there C2 does remove the slices); over the
 * warm-up the slicing variant allocates about twice as much (28-40 against 16-20 bytes per frame); the time is the
 * same within noise. The bundle's allocation test pins the compiled I/O path at zero.
 *
 * <h2>Why not {@code Linker.Option.critical}</h2>
 * A critical downcall skips the thread-state transition (a few nanoseconds), but the JVM cannot reach a safepoint
 * while one runs, and the option's contract is "extremely short, like an empty function". A TAP {@code write} runs
 * the kernel's whole receive path for the frame in the caller's context (netfilter, bridging, a local socket
 * wake-up), and {@code epoll_wait} blocks. The benchmark in {@code bench/tap-syscall} measured no gain for
 * {@code read}/{@code write} beyond its run-to-run noise (about 5 %), which is not worth stalling every GC behind a
 * busy port.
 *
 * <h2>Thread safety</h2>
 * The handles are immutable and may be used from any thread; how concurrent calls on one descriptor interleave is
 * up to the kernel. The only per-thread state is the errno capture segment described above.
 */
public final class LibC {

    private static final Linker LINKER = Linker.nativeLinker();

    /** The option that makes a downcall copy {@code errno} into its first argument. */
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Layout of the segment a capturing downcall writes {@code errno} into. */
    public static final StructLayout CAPTURE_STATE_LAYOUT = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO =
            CAPTURE_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** {@code int open(const char *path, int flags, ...)}; the mode argument is only read with O_CREAT, unused here. */
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    /** {@code int close(int fd)}. */
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** {@code ssize_t read(int fd, void *buf, size_t count)}, buf as a raw address (see the class comment). */
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    /** {@code ssize_t write(int fd, const void *buf, size_t count)}, buf as a raw address. */
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    /** {@code int ioctl(int fd, unsigned long request, void *arg)}. */
    private static final MethodHandle IOCTL_POINTER = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** {@code int ioctl(int fd, unsigned long request, unsigned long arg)}. */
    private static final MethodHandle IOCTL_VALUE = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** {@code int socket(int domain, int type, int protocol)}. */
    private static final MethodHandle SETNS = downcall("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** {@code int socketpair(int domain, int type, int protocol, int sv[2])}. */
    private static final MethodHandle SOCKETPAIR = downcall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    /** {@code int epoll_create1(int flags)}. */
    private static final MethodHandle EPOLL_CREATE1 = downcall("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}. */
    private static final MethodHandle EPOLL_CTL = downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), CAPTURE_ERRNO);
    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)}. */
    private static final MethodHandle EPOLL_WAIT = downcall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /** {@code int eventfd(unsigned int initval, int flags)}. */
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    /**
     * {@code long syscall(long number, ...)} with six variadic {@code long}s: the io_uring calls, which glibc does
     * not wrap. Every argument travels as a {@code long} because {@code syscall} reads each one with
     * {@code va_arg(ap, long)}; an {@code int} would leave the register's upper half undefined.
     */
    private static final MethodHandle SYSCALL6 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}, address as long. */
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            CAPTURE_ERRNO);
    /** {@code int munmap(void *addr, size_t length)}, address as long. */
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    /** {@code int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask)}. */
    private static final MethodHandle SCHED_GETAFFINITY = downcall("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask)}. */
    private static final MethodHandle SCHED_SETAFFINITY = downcall("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO);
    /** Bytes of glibc's {@code cpu_set_t}: 1,024 CPUs. */
    public static final long CPU_SET_BYTES = 128;
    /** {@code char *strerror(int errnum)}: cannot fail, so no errno capture. */
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Longest message strerror returns in practice; bounds the reinterpreted result. */
    private static final long STRERROR_MAX = 1024;

    private LibC() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * Allocates an errno capture segment.
     *
     * @param arena where to allocate it; its lifetime bounds the segment's
     * @return a segment for the first argument of the capturing calls below
     */
    public static MemorySegment allocateErrnoState(Arena arena) {
        return arena.allocate(CAPTURE_STATE_LAYOUT);
    }

    /**
     * @param state a capture segment passed to a call that just failed
     * @return the errno that call left
     */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * Checks what the linker would check for a buffer passed as an {@code ADDRESS} argument, and returns the address
     * to pass as a {@code long} instead (see the class comment).
     *
     * @param buffer the caller's buffer
     * @param offset where the I/O starts in it
     * @param length how many bytes the kernel may touch
     * @param kernelWrites whether the kernel writes into the buffer (read) rather than reading it (write)
     * @return {@code buffer.address() + offset}
     * @throws IllegalArgumentException if the buffer is on the heap or read-only but would be written
     * @throws IndexOutOfBoundsException if the range is not inside the buffer
     * @throws IllegalStateException if the buffer's arena is closed or confined to another thread
     */
    public static long checkBuffer(MemorySegment buffer, long offset, long length, boolean kernelWrites) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("TAP I/O needs an off-heap (native) MemorySegment, got a heap segment");
        }
        if (kernelWrites && buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot read a frame into a read-only MemorySegment");
        }
        Objects.checkFromIndexSize(offset, length, buffer.byteSize());
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("the MemorySegment's arena is already closed");
        }
        if (!buffer.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalStateException("the MemorySegment is confined to another thread");
        }
        return buffer.address() + offset;
    }

    /**
     * {@code open(2)}.
     *
     * @param state errno capture segment
     * @param path NUL-terminated path
     * @param flags O_* flags
     * @return the fd, or -1 with errno in {@code state}
     */
    public static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags);
        } catch (Throwable t) {
            throw new AssertionError("open downcall failed", t);
        }
    }

    /**
     * {@code close(2)}.
     *
     * @param state errno capture segment
     * @param fd the descriptor
     * @return 0, or -1 with errno in {@code state}
     */
    public static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new AssertionError("close downcall failed", t);
        }
    }

    /**
     * {@code read(2)} into a raw address obtained from {@link #checkBuffer}.
     *
     * @param state errno capture segment of the calling thread
     * @param fd the descriptor
     * @param address where to read to
     * @param count room at {@code address}
     * @return bytes read, or -1 with errno in {@code state}
     */
    public static long read(MemorySegment state, int fd, long address, long count) {
        try {
            return (long) READ.invokeExact(state, fd, address, count);
        } catch (Throwable t) {
            throw new AssertionError("read downcall failed", t);
        }
    }

    /**
     * {@code syscall(2)}: a system call by number with up to six arguments (unused ones 0).
     *
     * @param state errno capture segment of the calling thread
     * @param number the system call number
     * @return the call's result, or -1 with errno in {@code state}
     */
    public static long syscall(MemorySegment state, long number, long a1, long a2, long a3, long a4, long a5,
                               long a6) {
        try {
            return (long) SYSCALL6.invokeExact(state, number, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
    }

    /**
     * {@code mmap(2)} at an address the kernel chooses: a file descriptor's memory (io_uring's rings), or anonymous
     * memory with {@code fd} -1.
     *
     * @param state errno capture segment of the calling thread
     * @return the mapping's address, or -1 ({@code MAP_FAILED}) with errno in {@code state}
     */
    public static long mmap(MemorySegment state, long length, int prot, int flags, int fd, long offset) {
        try {
            return (long) MMAP.invokeExact(state, 0L, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new AssertionError("mmap downcall failed", t);
        }
    }

    /**
     * {@code munmap(2)}.
     *
     * @param state errno capture segment of the calling thread
     * @return 0, or -1 with errno in {@code state}
     */
    public static int munmap(MemorySegment state, long address, long length) {
        try {
            return (int) MUNMAP.invokeExact(state, address, length);
        } catch (Throwable t) {
            throw new AssertionError("munmap downcall failed", t);
        }
    }

    /**
     * {@code write(2)} from a raw address obtained from {@link #checkBuffer}.
     *
     * @param state errno capture segment of the calling thread
     * @param fd the descriptor
     * @param address the bytes to write
     * @param count how many
     * @return bytes written, or -1 with errno in {@code state}
     */
    public static long write(MemorySegment state, int fd, long address, long count) {
        try {
            return (long) WRITE.invokeExact(state, fd, address, count);
        } catch (Throwable t) {
            throw new AssertionError("write downcall failed", t);
        }
    }

    /**
     * {@code ioctl(2)} with a pointer argument.
     *
     * @param state errno capture segment
     * @param fd the descriptor
     * @param request the request number (see {@link Linux})
     * @param arg the structure the request reads or fills
     * @return the request's result (0 for most), or -1 with errno in {@code state}
     */
    public static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_POINTER.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError("ioctl downcall failed", t);
        }
    }

    /**
     * {@code ioctl(2)} with an integer argument passed by value (TUNSETPERSIST, TUNSETOFFLOAD).
     *
     * @param state errno capture segment
     * @param fd the descriptor
     * @param request the request number
     * @param arg the value
     * @return the request's result, or -1 with errno in {@code state}
     */
    public static int ioctl(MemorySegment state, int fd, long request, long arg) {
        try {
            return (int) IOCTL_VALUE.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError("ioctl downcall failed", t);
        }
    }

    /**
     * {@code setns(2)}: moves the calling thread (only it) into the namespace {@code fd} refers to.
     *
     * @param state errno capture segment
     * @param fd a namespace fd
     * @param nstype the expected namespace type (CLONE_NEW*), or 0 for any
     * @return 0, or -1 with errno in {@code state}
     */
    public static int setns(MemorySegment state, int fd, int nstype) {
        try {
            return (int) SETNS.invokeExact(state, fd, nstype);
        } catch (Throwable t) {
            throw new AssertionError("setns downcall failed", t);
        }
    }

    /**
     * {@code socketpair(2)}.
     *
     * @param state errno capture segment
     * @param domain AF_UNIX
     * @param type socket type and flags
     * @param protocol 0
     * @param fds two ints, filled with the connected descriptors
     * @return 0, or -1 with errno in {@code state}
     */
    public static int socketpair(MemorySegment state, int domain, int type, int protocol, MemorySegment fds) {
        try {
            return (int) SOCKETPAIR.invokeExact(state, domain, type, protocol, fds);
        } catch (Throwable t) {
            throw new AssertionError("socketpair downcall failed", t);
        }
    }

    /**
     * {@code socket(2)}.
     *
     * @param state errno capture segment
     * @param domain AF_*
     * @param type SOCK_* with optional SOCK_CLOEXEC/SOCK_NONBLOCK
     * @param protocol protocol number (network byte order for AF_PACKET)
     * @return the fd, or -1 with errno in {@code state}
     */
    public static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw new AssertionError("socket downcall failed", t);
        }
    }

    /**
     * {@code epoll_create1(2)}.
     *
     * @param state errno capture segment
     * @param flags EPOLL_CLOEXEC or 0
     * @return the epoll fd, or -1 with errno in {@code state}
     */
    public static int epollCreate1(MemorySegment state, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(state, flags);
        } catch (Throwable t) {
            throw new AssertionError("epoll_create1 downcall failed", t);
        }
    }

    /**
     * {@code epoll_ctl(2)}.
     *
     * @param state errno capture segment
     * @param epfd the epoll fd
     * @param op EPOLL_CTL_ADD, _MOD or _DEL
     * @param fd the watched fd
     * @param event a {@link Structs#EPOLL_EVENT}, or {@link MemorySegment#NULL} for DEL
     * @return 0, or -1 with errno in {@code state}
     */
    public static int epollCtl(MemorySegment state, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
        } catch (Throwable t) {
            throw new AssertionError("epoll_ctl downcall failed", t);
        }
    }

    /**
     * {@code epoll_wait(2)}.
     *
     * @param state errno capture segment of the calling thread
     * @param epfd the epoll fd
     * @param events array of {@link Structs#EPOLL_EVENT} to fill
     * @param maxEvents its length
     * @param timeoutMillis -1 to wait indefinitely, 0 to poll
     * @return the number of events, or -1 with errno in {@code state}
     */
    public static int epollWait(MemorySegment state, int epfd, MemorySegment events, int maxEvents,
                                int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(state, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError("epoll_wait downcall failed", t);
        }
    }

    /**
     * {@code eventfd(2)}.
     *
     * @param state errno capture segment
     * @param initialValue the counter's start value
     * @param flags EFD_* flags
     * @return the fd, or -1 with errno in {@code state}
     */
    public static int eventfd(MemorySegment state, int initialValue, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initialValue, flags);
        } catch (Throwable t) {
            throw new AssertionError("eventfd downcall failed", t);
        }
    }

    /**
     * {@code sched_getaffinity(2)}.
     *
     * @param state errno capture segment
     * @param tid the thread, 0 for the calling one
     * @param mask {@link #CPU_SET_BYTES} bytes to fill
     * @return 0, or -1 with errno in {@code state}
     */
    public static int schedGetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            return (int) SCHED_GETAFFINITY.invokeExact(state, tid, mask.byteSize(), mask);
        } catch (Throwable t) {
            throw new AssertionError("sched_getaffinity downcall failed", t);
        }
    }

    /**
     * {@code sched_setaffinity(2)}.
     *
     * @param state errno capture segment
     * @param tid the thread, 0 for the calling one
     * @param mask the CPUs it may run on, {@link #CPU_SET_BYTES} bytes
     * @return 0, or -1 with errno in {@code state}
     */
    public static int schedSetaffinity(MemorySegment state, int tid, MemorySegment mask) {
        try {
            return (int) SCHED_SETAFFINITY.invokeExact(state, tid, mask.byteSize(), mask);
        } catch (Throwable t) {
            throw new AssertionError("sched_setaffinity downcall failed", t);
        }
    }

    /**
     * {@code strerror(3)}: the C library's text for an errno.
     *
     * @param errno the error number
     * @return e.g. "Operation not permitted"
     */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            // The result points at a NUL-terminated string of unknown length: widen the zero-length segment the
            // linker returns so that getString may scan it.
            return text.reinterpret(STRERROR_MAX).getString(0);
        } catch (Throwable t) {
            throw new AssertionError("strerror downcall failed", t);
        }
    }
}
