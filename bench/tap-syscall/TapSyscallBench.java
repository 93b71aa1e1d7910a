import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.TapPortProvider;
import dev.ringswitch.tap.internal.ffm.LibC;
import dev.ringswitch.tap.internal.ffm.Linux;
import dev.ringswitch.tap.internal.ffm.TapControl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The FFM side of bench/tap-syscall: the cost of one write(2) and one read(2) per frame on a TAP fd, measured the
 * same way as tap_syscall.c (same frames, batch of 32 writes then 32 reads, warm-up of a fifth of the frames).
 *
 * Three variants run one after the other on the same looping TAP (see run.sh):
 * 1. the production path, TapPort.read/write from TapPortProvider (buffer address passed as a long);
 * 2. the obvious alternative, a downcall with an ADDRESS parameter fed buffer.asSlice(offset, length): allocates;
 * 3. the production signature linked with Linker.Option.critical(false), to price the thread-state transition.
 * Each reports ns per frame and bytes allocated per frame by the measuring thread.
 *
 * usage: java --enable-native-access=ALL-UNNAMED -cp api.jar:tap.jar:slf4j-api.jar TapSyscallBench.java IFNAME FRAMES
 */
public final class TapSyscallBench {

    private static final int BATCH = 32;
    private static final int BUFFER = 65536;
    private static final int[] SIZES = {64, 1514};
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final long MAX_AGAIN = 1_000_000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle READ_SEGMENT = handle("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle WRITE_SEGMENT = handle("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle READ_CRITICAL = handle("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO, Linker.Option.critical(false));
    private static final MethodHandle WRITE_CRITICAL = handle("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), ERRNO, Linker.Option.critical(false));

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One way of doing the syscalls: write one frame, or read one (false on EAGAIN). */
    private interface Io {
        void write(MemorySegment buffer, long offset, int length) throws Throwable;

        boolean read(MemorySegment buffer, long offset, int capacity) throws Throwable;
    }

    private TapSyscallBench() {
    }

    public static void main(String[] args) throws Throwable {
        String name = args[0];
        long frames = Long.parseLong(args[1]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tx = arena.allocate(BUFFER);
            MemorySegment rx = arena.allocate(BUFFER);
            byte[] header = {2, 0x52, 0x53, 0, 0, (byte) 0xb1, 2, 0x52, 0x53, 0, 0, (byte) 0xb0, (byte) 0x88,
                (byte) 0xb5};
            for (int i = 0; i < 1514; i++) {
                tx.set(JAVA_BYTE, i, i < header.length ? header[i] : (byte) i);
            }

            TapPortProvider provider = new TapPortProvider();
            // Attach to the persistent looping TAP that run.sh created; persistent=true leaves it as it is.
            try (TapPort port = provider.open(PortConfig.of(name).withPersistent(true))) {
                awaitOperational(name);
                measure("FFM TapPort (prod)", tx, rx, frames, new Io() {
                    @Override
                    public void write(MemorySegment buffer, long offset, int length) {
                        if (port.write(buffer, offset, length) != length) {
                            throw new IllegalStateException("short write");
                        }
                    }

                    @Override
                    public boolean read(MemorySegment buffer, long offset, int capacity) {
                        return port.read(buffer, offset, capacity) != TapPort.WOULD_BLOCK;
                    }
                });
            }

            int fd = TapControl.openTun(name);
            try (TapControl control = new TapControl(name, fd)) {
                control.setIff(Linux.IFF_TAP | Linux.IFF_NO_PI);
                awaitOperational(name);
                MemorySegment errno = LibC.allocateErrnoState(arena);
                measure("FFM asSlice+ADDRESS", tx, rx, frames, new Io() {
                    @Override
                    public void write(MemorySegment buffer, long offset, int length) throws Throwable {
                        long n = (long) WRITE_SEGMENT.invokeExact(errno, fd, buffer.asSlice(offset, length),
                                (long) length);
                        check(n, errno);
                    }

                    @Override
                    public boolean read(MemorySegment buffer, long offset, int capacity) throws Throwable {
                        long n = (long) READ_SEGMENT.invokeExact(errno, fd, buffer.asSlice(offset, capacity),
                                (long) capacity);
                        return check(n, errno);
                    }
                });
                measure("FFM critical(false)", tx, rx, frames, new Io() {
                    @Override
                    public void write(MemorySegment buffer, long offset, int length) throws Throwable {
                        long n = (long) WRITE_CRITICAL.invokeExact(errno, fd, buffer.address() + offset,
                                (long) length);
                        check(n, errno);
                    }

                    @Override
                    public boolean read(MemorySegment buffer, long offset, int capacity) throws Throwable {
                        long n = (long) READ_CRITICAL.invokeExact(errno, fd, buffer.address() + offset,
                                (long) capacity);
                        return check(n, errno);
                    }
                });
            } finally {
                TapControl.closeFd(fd);
            }
        }
    }

    /**
     * Attaching the fd turns the carrier on, but the kernel activates the device's qdisc only when its linkwatch work
     * runs (up to a second later); until then every frame sent out of the device is dropped. Wait for it.
     */
    private static void awaitOperational(String name) throws Exception {
        Path operstate = Path.of("/sys/class/net", name, "operstate");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.readString(operstate).trim().equals("down")) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " did not become operational in 5 s");
            }
            Thread.sleep(10);
        }
    }

    private static boolean check(long n, MemorySegment errno) {
        if (n >= 0) {
            return true;
        }
        int error = LibC.errno(errno);
        if (error == EAGAIN || error == EINTR) {
            return false;
        }
        throw new IllegalStateException("syscall failed: errno " + error);
    }

    private static void measure(String label, MemorySegment tx, MemorySegment rx, long frames, Io io)
            throws Throwable {
        for (int size : SIZES) {
            long warmUpFrames = frames / 5;
            long warmUpBefore = THREADS.getCurrentThreadAllocatedBytes();
            warmUpFrames = run(io, tx, rx, size, warmUpFrames, new long[3]);
            long warmUpAllocated = THREADS.getCurrentThreadAllocatedBytes() - warmUpBefore;
            long[] times = new long[3];
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long done = run(io, tx, rx, size, frames, times);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            System.out.printf("%-22s %4d B: write %7.1f ns/frame, read %7.1f ns/frame, write+read %7.1f ns/frame"
                            + "  (%d frames, %d EAGAIN; allocated %.1f B/frame, %.1f B/frame in warm-up)%n",
                    label, size, (double) times[0] / done, (double) times[1] / done,
                    (double) (times[0] + times[1]) / done, done, times[2], (double) allocated / done,
                    (double) warmUpAllocated / warmUpFrames);
        }
    }

    /** Batches of BATCH writes then BATCH reads; times[0] += write ns, times[1] += read ns, times[2] += EAGAINs. */
    private static long run(Io io, MemorySegment tx, MemorySegment rx, int size, long frames, long[] times)
            throws Throwable {
        long done = 0;
        while (done < frames) {
            long t0 = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                io.write(tx, 0, size);
            }
            long t1 = System.nanoTime();
            for (int got = 0; got < BATCH;) {
                if (io.read(rx, 0, BUFFER)) {
                    got++;
                } else if (++times[2] > MAX_AGAIN) {
                    // Processing is synchronous, so a frame that is not back by now was dropped by the kernel.
                    throw new IllegalStateException("frames are not looping back (see ip -s link, tc -s filter)");
                }
            }
            long t2 = System.nanoTime();
            times[0] += t1 - t0;
            times[1] += t2 - t1;
            done += BATCH;
        }
        return done;
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }
}
