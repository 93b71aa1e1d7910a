package dev.ringswitch.tap.internal.support;

import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.function.Predicate;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The kernel's side of a TAP, seen from a test: an {@code AF_PACKET} raw socket bound to the interface captures
 * every frame the interface receives or sends, and frames written to it leave through the interface (so the TAP's
 * fd reads them). Built on the bundle's {@link LibC} plus the two calls only tests need, {@code bind} and
 * {@code setsockopt}.
 */
public final class PacketSocket implements AutoCloseable {

    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    /** {@code ETH_P_ALL}: every protocol. */
    private static final short ETH_P_ALL = 0x0003;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;
    private static final long RECEIVE_SLICE_MILLIS = 100;
    private static final int MAX_FRAME = 65536;

    /** {@code struct sockaddr_ll} (linux/if_packet.h): 20 bytes. */
    private static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));
    /** {@code struct timeval}. */
    private static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle BIND = LINKER.downcallHandle(LINKER.defaultLookup().find("bind").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = LibC.allocateErrnoState(arena);
    private final MemorySegment buffer = arena.allocate(MAX_FRAME);
    private final int fd;

    /**
     * Opens a packet socket bound to one interface, with a short receive timeout.
     *
     * @param ifIndex the interface
     */
    public PacketSocket(int ifIndex) {
        fd = LibC.socket(errno, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, Short.toUnsignedInt(Short.reverseBytes(ETH_P_ALL)));
        check(fd, "socket(AF_PACKET)");
        MemorySegment address = arena.allocate(SOCKADDR_LL);
        address.set(JAVA_SHORT, SOCKADDR_LL.byteOffset(groupElement("sll_family")), (short) AF_PACKET);
        address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), SOCKADDR_LL.byteOffset(groupElement("sll_protocol")),
                ETH_P_ALL);
        address.set(JAVA_INT, SOCKADDR_LL.byteOffset(groupElement("sll_ifindex")), ifIndex);
        try {
            check((int) BIND.invokeExact(errno, fd, address, (int) SOCKADDR_LL.byteSize()), "bind");
            MemorySegment timeout = arena.allocate(TIMEVAL);
            timeout.set(JAVA_LONG, TIMEVAL.byteOffset(groupElement("tv_usec")), RECEIVE_SLICE_MILLIS * 1000);
            check((int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, (int) TIMEVAL.byteSize()),
                    "setsockopt(SO_RCVTIMEO)");
        } catch (Throwable t) {
            close();
            throw t instanceof AssertionError a ? a : new AssertionError(t);
        }
    }

    /**
     * Sends one frame out of the interface (the TAP's reader receives it).
     *
     * @param frame a complete Ethernet frame
     */
    public void send(byte[] frame) {
        MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, frame.length);
        long n = LibC.write(errno, fd, buffer.address(), frame.length);
        check((int) n, "write(AF_PACKET)");
    }

    /**
     * Waits for a frame the socket sees (received or sent by the interface) that matches.
     *
     * @param match which frame to wait for; others are skipped
     * @param timeoutMillis how long to wait at most
     * @return the frame, or {@code null} on timeout
     */
    public byte[] receive(Predicate<byte[]> match, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            long n = LibC.read(errno, fd, buffer.address(), MAX_FRAME);
            if (n < 0) {
                int error = LibC.errno(errno);
                if (error == EAGAIN || error == Errno.EINTR) {
                    continue;
                }
                throw new AssertionError("read(AF_PACKET) failed: " + Errno.describe(error));
            }
            byte[] frame = buffer.asSlice(0, n).toArray(JAVA_BYTE);
            if (match.test(frame)) {
                return frame;
            }
        }
        return null;
    }

    private void check(int result, String operation) {
        if (result < 0) {
            throw new AssertionError(operation + " failed: " + Errno.describe(LibC.errno(errno)));
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(errno, fd);
        }
        arena.close();
    }
}
