package dev.ringswitch.tap.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortNames;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.LibC;
import dev.ringswitch.tap.internal.ffm.Linux;
import dev.ringswitch.tap.internal.ffm.Netns;
import dev.ringswitch.tap.internal.ffm.TapControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A {@link TapPort} over a {@code /dev/net/tun} file descriptor.
 *
 * <p>Frame I/O ({@link #read}, {@link #write}) is one syscall between the fd and the caller's off-heap memory: no
 * copy, no allocation (see {@link LibC} for how the buffer address is passed), EINTR retried, EAGAIN returned as
 * {@link #WOULD_BLOCK}, any other errno thrown as a stack-less {@link PortException}. One thread may read while
 * another writes: each direction has its own errno capture segment and its own cached failure, so a link that stays
 * down does not allocate an exception per frame either.
 *
 * <p>{@link #close} is idempotent (a CAS guards it). The descriptor number is released by the kernel at close and
 * may be handed to the next {@code open}, so the datapath must have stopped calling {@code read}/{@code write} on a
 * port (deregistered it from its selector and finished the batch) before closing it; I/O after close is refused
 * with EBADF rather than reaching someone else's fd.
 */
public final class NativeTapPort implements TapPort {

    private static final Logger LOG = LoggerFactory.getLogger(NativeTapPort.class);

    /**
     * The offloads a port with a virtio-net header accepts (TUNSETOFFLOAD): partial checksums and TCP segmentation
     * for IPv4 and IPv6, with ECN. The kernel then sends TCP as GSO frames of up to 64 KiB, one read for what would
     * be up to 44 MTU-sized segments. The reader must keep each frame's header with it: written back with its header
     * to a port like this one, the frame is segmented or its checksum completed by the kernel, as the receiving side
     * needs.
     */
    static final int OFFLOADS = Linux.TUN_F_CSUM | Linux.TUN_F_TSO4 | Linux.TUN_F_TSO6 | Linux.TUN_F_TSO_ECN;

    private final int fd;
    private final String name;
    private final int ifIndex;
    private final int flags;
    private final Consumer<NativeTapPort> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Automatic arena: the segments live as long as this port object, and no close can race with a datapath thread
    // that is inside a downcall using them.
    private final MemorySegment rxErrno = LibC.allocateErrnoState(Arena.ofAuto());
    private final MemorySegment txErrno = LibC.allocateErrnoState(Arena.ofAuto());
    // Written and read only by the reading (writing) thread: reused while the same errno repeats.
    private PortException lastRxFailure;
    private PortException lastTxFailure;

    private NativeTapPort(int fd, String name, int ifIndex, int flags, Consumer<NativeTapPort> onClose) {
        this.fd = fd;
        this.name = name;
        this.ifIndex = ifIndex;
        this.flags = flags;
        this.onClose = onClose;
    }

    /**
     * A connected pair of {@code AF_UNIX} {@code SOCK_SEQPACKET} sockets, non-blocking, read and written like a TAP
     * without virtio-net header or packet-information prefix: each write is read back whole, as one frame. No
     * interface, so its frames show nowhere on the host (see
     * {@link dev.ringswitch.api.port.PortProvider#openLoopbackPair}).
     *
     * @param name what errors and logs call it; the two ends are NAME-r (read) and NAME-w (write)
     * @return the end to read, then the end to write
     * @throws PortException if the kernel refuses (descriptors exhausted, ...)
     */
    static NativeTapPort[] loopbackPair(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            MemorySegment state = LibC.allocateErrnoState(arena);
            int type = Linux.SOCK_SEQPACKET | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC;
            if (LibC.socketpair(state, Linux.AF_UNIX, type, 0, fds) < 0) {
                int errno = LibC.errno(state);
                throw new PortException(name, "socketpair", errno, name
                        + ": socketpair(AF_UNIX, SOCK_SEQPACKET) failed: " + Errno.describe(errno)
                        + "; raise the open-file limit (ulimit -n) if descriptors ran out");
            }
            int flags = Linux.IFF_TAP | Linux.IFF_NO_PI;
            return new NativeTapPort[] {
                new NativeTapPort(fds.getAtIndex(ValueLayout.JAVA_INT, 0), name + "-r", 0, flags,
                        p -> { }),
                new NativeTapPort(fds.getAtIndex(ValueLayout.JAVA_INT, 1), name + "-w", 0, flags,
                        p -> { })};
        }
    }

    /**
     * Opens a TAP device and applies {@code config}, as one linear sequence: check the name, open
     * {@code /dev/net/tun}, probe the driver's features, TUNSETIFF (create, or attach to an existing persistent
     * device), read back the kernel's name, then the vnet header size and the offloads ({@link #OFFLOADS}, for a
     * port with a virtio-net header), MTU, MAC, IPv4, persistence and link state.
     * Any failure closes the fd; if the failure came after this call changed persistence, it is restored first, so
     * that a device this call created disappears and a pre-existing persistent one survives.
     *
     * @param config what to open
     * @param onClose told once when the port is closed
     * @return the open port
     * @throws IllegalArgumentException if the name is invalid (before any syscall)
     * @throws PortException naming the interface, the failed step, the errno and the fix
     */
    static NativeTapPort open(PortConfig config, Consumer<NativeTapPort> onClose) {
        String requested = PortNames.check(config.name());
        // The device is created in the namespace /dev/net/tun was opened in: open it there for a port with a netns.
        int fd = config.netns() == null ? TapControl.openTun(requested)
                : TapControl.openTunIn(config.netns(), requested);
        boolean opened = false;
        try (TapControl control = new TapControl(requested, fd)) {
            int wanted = Linux.IFF_TAP | Linux.IFF_NO_PI
                    | (config.vnetHdr() ? Linux.IFF_VNET_HDR : 0)
                    | (config.multiQueue() ? Linux.IFF_MULTI_QUEUE : 0);
            int unsupported = wanted & ~control.features();
            if (unsupported != 0) {
                throw new PortException(requested, "ioctl(TUNGETFEATURES)", 0, requested
                        + ": ioctl(TUNGETFEATURES) failed: the kernel's TUN driver lacks flags 0x"
                        + Integer.toHexString(unsupported) + "; open the port without vnet header / multi-queue");
            }
            String name = control.setIff(wanted);
            int actual = control.iffFlags();
            // A device TUNSETIFF has just created is never persistent: IFF_PERSIST here means this call attached to a
            // device that existed before it.
            boolean wasPersistent = (actual & Linux.IFF_PERSIST) != 0;
            boolean persistenceChanged = false;
            try {
                if (config.vnetHdr()) {
                    control.setVnetHdrSize(Linux.VIRTIO_NET_HDR_LEN);
                    control.setOffload(OFFLOADS);
                }
                if (config.mtu() != 0) {
                    control.setMtu(config.mtu());
                }
                if (config.mac() != null) {
                    control.setMac(config.mac().bits());
                }
                if (config.ipv4() != null) {
                    control.setIpv4(config.ipv4().address(), config.ipv4().netmask());
                }
                if (config.persistent() != wasPersistent) {
                    persistenceChanged = true;
                    control.setPersist(config.persistent());
                }
                control.setUp(config.up());
                NativeTapPort port = new NativeTapPort(fd, name, control.ifIndex(),
                        actual & ~Linux.IFF_PERSIST, onClose);
                opened = true;
                return port;
            } catch (RuntimeException e) {
                if (persistenceChanged) {
                    restorePersistence(control, wasPersistent, e);
                }
                throw e;
            }
        } finally {
            if (!opened) {
                TapControl.closeFd(fd);
            }
        }
    }

    private static void restorePersistence(TapControl control, boolean persistent, RuntimeException failure) {
        try {
            control.setPersist(persistent);
        } catch (PortException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ifIndex() {
        return ifIndex;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public boolean vnetHdr() {
        return (flags & Linux.IFF_VNET_HDR) != 0;
    }

    /** @return the {@code /dev/net/tun} descriptor, for the selector */
    int fd() {
        return fd;
    }

    @Override
    public int read(MemorySegment buffer, long offset, int capacity) {
        return transfer(false, buffer, offset, capacity);
    }

    @Override
    public int write(MemorySegment buffer, long offset, int length) {
        return transfer(true, buffer, offset, length);
    }

    /**
     * One read or write syscall with EINTR retried. {@code write} is a constant at both call sites, so the JIT
     * compiles each into its own branch-free copy.
     */
    private int transfer(boolean write, MemorySegment buffer, long offset, int length) {
        long address = LibC.checkBuffer(buffer, offset, length, !write);
        MemorySegment errnoState = write ? txErrno : rxErrno;
        try {
            while (true) {
                if (isClosed()) {
                    throw failure(write, Errno.EBADF);
                }
                long n = write
                        ? LibC.write(errnoState, fd, address, length)
                        : LibC.read(errnoState, fd, address, length);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = LibC.errno(errnoState);
                if (errno == Errno.EAGAIN) {
                    return WOULD_BLOCK;
                }
                if (errno != Errno.EINTR) {
                    throw failure(write, errno);
                }
            }
        } finally {
            // The kernel used the buffer through a raw address: keep the segment (and an automatic arena) alive
            // until here.
            Reference.reachabilityFence(buffer);
        }
    }

    /**
     * @return the stack-less exception for this direction and errno, reused while the errno repeats; also for the
     *         io_uring batch's operations on this port (the same threads read and write)
     */
    PortException failure(boolean write, int errno) {
        PortException failure = write ? lastTxFailure : lastRxFailure;
        if (failure == null || failure.errno() != errno) {
            failure = Errno.ioFailure(name, write ? "write" : "read", errno);
            if (write) {
                lastTxFailure = failure;
            } else {
                lastRxFailure = failure;
            }
        }
        return failure;
    }

    @Override
    public void setUp(boolean up) {
        try (TapControl control = control("ioctl(SIOCSIFFLAGS)")) {
            control.setUp(up);
        }
    }

    @Override
    public boolean isUp() {
        try (TapControl control = control("ioctl(SIOCGIFFLAGS)")) {
            return (control.linkFlags() & Linux.IFF_UP) != 0;
        }
    }

    @Override
    public void setMtu(int mtu) {
        if (mtu < PortConfig.MIN_MTU || mtu > PortConfig.MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " out of range: expected " + PortConfig.MIN_MTU + ".."
                    + PortConfig.MAX_MTU);
        }
        try (TapControl control = control("ioctl(SIOCSIFMTU)")) {
            control.setMtu(mtu);
        }
    }

    @Override
    public int mtu() {
        try (TapControl control = control("ioctl(SIOCGIFMTU)")) {
            return control.mtu();
        }
    }

    @Override
    public void setMac(MacAddress mac) {
        if (mac == null || mac.isMulticast() || mac.isZero()) {
            throw new IllegalArgumentException("invalid MAC address " + mac
                    + " for a port: it must be unicast and not all-zero, e.g. 02:00:00:00:00:01");
        }
        try (TapControl control = control("ioctl(SIOCSIFHWADDR)")) {
            control.setMac(mac.bits());
        }
    }

    @Override
    public MacAddress mac() {
        try (TapControl control = control("ioctl(SIOCGIFHWADDR)")) {
            return new MacAddress(control.mac());
        }
    }

    @Override
    public void setIpv4(Ipv4Prefix address) {
        try (TapControl control = control("ioctl(SIOCSIFADDR)")) {
            if (address == null) {
                control.clearIpv4();
            } else {
                control.setIpv4(address.address(), address.netmask());
            }
        }
    }

    @Override
    public void setPersistent(boolean persistent) {
        try (TapControl control = control("ioctl(TUNSETPERSIST)")) {
            control.setPersist(persistent);
        }
    }

    @Override
    public boolean isPersistent() {
        try (TapControl control = control("ioctl(TUNGETIFF)")) {
            return (control.iffFlags() & Linux.IFF_PERSIST) != 0;
        }
    }

    @Override
    public long kernelQueueDrops() {
        if (isClosed()) {
            return UNKNOWN_COUNT;
        }
        try {
            return KernelQueueDrops.read(fd, name);
        } catch (IOException | PortException | NumberFormatException e) {
            // Statistics then show no ring_full figure for the port rather than a wrong one.
            LOG.debug("{}: kernel drop counter not readable: {}", name, e.toString());
            return UNKNOWN_COUNT;
        }
    }

    @Override
    public String currentNetns() {
        if (isClosed()) {
            return null;
        }
        try (TapControl control = new TapControl(name, fd)) {
            int netns = control.deviceNetns();
            try {
                return Netns.nameOf(netns);
            } finally {
                TapControl.closeFd(netns);
            }
        } catch (IOException | PortException e) {
            LOG.debug("{}: network namespace not readable: {}", name, e.toString());
            return null;
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int errno = TapControl.closeFd(fd);
        if (errno != 0 && errno != Errno.EINTR) {
            LOG.warn("{}: close failed: {}", name, Errno.describe(errno));
        }
        onClose.accept(this);
    }

    private TapControl control(String operation) {
        if (isClosed()) {
            throw Errno.failure(name, operation, Errno.EBADF);
        }
        return new TapControl(name, fd);
    }

    @Override
    public String toString() {
        return "TapPort[" + name + ", ifindex " + ifIndex + ", fd " + fd + (isClosed() ? ", closed]" : "]");
    }
}
