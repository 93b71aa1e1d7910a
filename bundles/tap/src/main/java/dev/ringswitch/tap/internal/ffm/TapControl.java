package dev.ringswitch.tap.internal.ffm;

import dev.ringswitch.api.port.PortException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Control-path ioctls on one TAP device: the {@code TUN*} requests on its {@code /dev/net/tun} fd and the
 * {@code SIOC*} interface requests on an {@code AF_INET} datagram socket (the kernel routes those by
 * {@code ifr_name}, so any socket will do; it is opened on first use and closed with this object).
 *
 * <p>One instance serves one short sequence of operations on one thread and then is closed: it owns a confined
 * arena with its {@code struct ifreq} and errno capture segment. Every failure is thrown through {@link Errno}, and
 * names the interface as the kernel currently knows it.
 */
public final class TapControl implements AutoCloseable {

    /** Path of the TUN/TAP clone device. */
    public static final String TUN_PATH = "/dev/net/tun";

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment errno = LibC.allocateErrnoState(arena);
    private final MemorySegment ifreq = arena.allocate(Structs.IFREQ);
    private final int tunFd;
    private String ifname;
    private int socket = -1;

    /**
     * @param ifname the interface (or the requested pattern, before {@link #setIff})
     * @param tunFd the device's {@code /dev/net/tun} fd, or -1 for socket ioctls only
     */
    public TapControl(String ifname, int tunFd) {
        this.ifname = ifname;
        this.tunFd = tunFd;
    }

    /**
     * Opens {@code /dev/net/tun} read-write, non-blocking (frame I/O must never block a datapath thread) and
     * close-on-exec.
     *
     * @param ifname the interface the fd is for, for messages
     * @return the fd
     * @throws PortException.PermissionDenied if the device is missing or not accessible
     */
    public static int openTun(String ifname) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(arena);
            MemorySegment path = arena.allocateFrom(TUN_PATH);
            while (true) {
                int fd = LibC.open(errno, path, Linux.O_RDWR | Linux.O_NONBLOCK | Linux.O_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                int error = LibC.errno(errno);
                if (error == Errno.EINTR) {
                    continue;
                }
                String operation = "open(" + TUN_PATH + ")";
                if (error == Errno.ENOENT || error == Errno.ENODEV) {
                    // A missing node or driver is, for the operator, the same class of problem as a missing
                    // capability: the host is not set up to give this process TAP devices.
                    throw new PortException.PermissionDenied(ifname, operation, error,
                            Errno.message(ifname, operation, error, Errno.HINT_NO_TUN));
                }
                throw Errno.failure(ifname, operation, error);
            }
        }
    }

    /**
     * Opens {@code /dev/net/tun} as {@link #openTun} does, from inside a named network namespace ({@code ip netns},
     * {@code /run/netns/NAME}): the interface TUNSETIFF creates on this fd then lives in that namespace.
     *
     * @param netns the namespace's name
     * @param ifname the interface the fd is for, for messages
     * @return the fd
     * @throws PortException if the namespace does not exist or cannot be joined (setns needs CAP_SYS_ADMIN)
     */
    public static int openTunIn(String netns, String ifname) {
        String path = Netns.NETNS_DIR + "/" + netns;
        String operation = "open(" + path + ")";
        int nsFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(arena);
            nsFd = LibC.open(errno, arena.allocateFrom(path), Linux.O_RDONLY | Linux.O_CLOEXEC);
            if (nsFd < 0) {
                int error = LibC.errno(errno);
                if (error == Errno.ENOENT) {
                    throw new PortException(ifname, operation, error, ifname + ": no network namespace " + netns
                            + " (" + path + " does not exist): create it with ip netns add " + netns
                            + ", or add the port without --netns");
                }
                throw Errno.failure(ifname, operation, error);
            }
        }
        try {
            return Netns.callIn(nsFd, ifname + ": open " + TUN_PATH + " in namespace " + netns,
                    () -> openTun(ifname));
        } catch (IOException e) {
            throw new PortException.PermissionDenied(ifname, "setns(" + path + ")", Errno.EPERM, ifname
                    + ": cannot join network namespace " + netns + " (" + e.getMessage() + "): the switch needs"
                    + " CAP_SYS_ADMIN for ports in other namespaces");
        } finally {
            closeFd(nsFd);
        }
    }

    /**
     * Closes a descriptor. Not retried on EINTR: Linux releases the fd even then, and a retry could close a
     * descriptor another thread has just been given.
     *
     * @param fd the descriptor
     * @return 0, or the errno of the failed close (only EBADF means a bug)
     */
    public static int closeFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LibC.allocateErrnoState(arena);
            return LibC.close(errno, fd) == 0 ? 0 : LibC.errno(errno);
        }
    }

    /** @return the interface name this object addresses */
    public String ifname() {
        return ifname;
    }

    // --- /dev/net/tun requests

    /**
     * {@code TUNGETFEATURES}: which IFF_* flags the driver supports.
     *
     * @return the feature mask
     */
    public int features() {
        MemorySegment features = arena.allocate(JAVA_INT);
        tunIoctl(Linux.TUNGETFEATURES, "TUNGETFEATURES", features);
        return features.get(JAVA_INT, 0);
    }

    /**
     * {@code TUNSETIFF}: creates the device, or attaches to an existing one of that name, and learns the name the
     * kernel assigned (it resolves {@code %d} patterns and writes the result back into {@code ifr_name}).
     *
     * @param flags IFF_TAP | IFF_NO_PI | ...
     * @return the kernel's interface name; later messages use it
     * @throws PortException.NameInUse if the name is taken by another process or a device that is not a TAP
     * @throws PortException.PermissionDenied without CAP_NET_ADMIN
     */
    public String setIff(int flags) {
        prepare();
        Structs.ifrFlags(ifreq, flags);
        if (ioctl(tunFd, Linux.TUNSETIFF, ifreq) < 0) {
            int error = LibC.errno(errno);
            if (error == Errno.EINVAL && !ifname.contains("%") && exists()) {
                throw Errno.nameInUse(ifname, "ioctl(TUNSETIFF)", error, "an interface named " + ifname
                        + " already exists but is not a TAP device, or its multi-queue setting differs from the"
                        + " requested one: choose another name");
            }
            throw Errno.failure(ifname, "ioctl(TUNSETIFF)", error);
        }
        ifname = Structs.ifrName(ifreq);
        return ifname;
    }

    /**
     * {@code TUNGETIFF}: the flags of the attached device, including IFF_PERSIST.
     *
     * @return the flags
     */
    public int iffFlags() {
        prepare();
        tunIoctl(Linux.TUNGETIFF, "TUNGETIFF", ifreq);
        return Structs.ifrFlags(ifreq);
    }

    /**
     * {@code TUNGETIFF}: the name the device has now (an operator may rename it, also while moving it to another
     * namespace).
     *
     * @return the interface name
     */
    public String currentName() {
        // A struct of its own: callers may have prepared the shared one for the request this precedes.
        MemorySegment request = arena.allocate(Structs.IFREQ);
        tunIoctl(Linux.TUNGETIFF, "TUNGETIFF", request);
        return Structs.ifrName(request);
    }

    /**
     * {@code TUNGETDEVNETNS}: the network namespace the device is in now, wherever it was moved.
     *
     * @return a new fd for the namespace; the caller closes it
     */
    public int deviceNetns() {
        int fd = ioctl(tunFd, Linux.TUNGETDEVNETNS, 0L);
        if (fd < 0) {
            throw Errno.failure(ifname, "ioctl(TUNGETDEVNETNS)", LibC.errno(errno));
        }
        return fd;
    }

    /**
     * {@code TUNSETPERSIST}.
     *
     * @param persistent whether the device outlives its fds
     */
    public void setPersist(boolean persistent) {
        if (ioctl(tunFd, Linux.TUNSETPERSIST, persistent ? 1 : 0) < 0) {
            throw Errno.failure(ifname, "ioctl(TUNSETPERSIST, " + (persistent ? 1 : 0) + ")", LibC.errno(errno));
        }
    }

    /**
     * {@code TUNSETVNETHDRSZ}.
     *
     * @param size the virtio-net header length in bytes (10 or 12)
     */
    public void setVnetHdrSize(int size) {
        MemorySegment value = arena.allocateFrom(JAVA_INT, size);
        tunIoctl(Linux.TUNSETVNETHDRSZ, "TUNSETVNETHDRSZ", value);
    }

    /**
     * {@code TUNSETOFFLOAD}: tells the kernel which offloads the reader of this fd handles. The kernel then turns on
     * the matching features of the interface (checksum offload, TSO) and sends GSO frames and partial checksums to
     * the fd, described by each frame's virtio-net header; it accepts the same back from writes whatever is set here.
     *
     * @param flags TUN_F_* bits
     */
    public void setOffload(int flags) {
        if (ioctl(tunFd, Linux.TUNSETOFFLOAD, Integer.toUnsignedLong(flags)) < 0) {
            throw Errno.failure(ifname, "ioctl(TUNSETOFFLOAD, 0x" + Integer.toHexString(flags) + ")",
                    LibC.errno(errno));
        }
    }

    // --- interface requests on a socket

    /** @return the IFF_* link flags (SIOCGIFFLAGS) */
    public int linkFlags() {
        prepare();
        socketIoctl(Linux.SIOCGIFFLAGS, "SIOCGIFFLAGS");
        return Structs.ifrFlags(ifreq);
    }

    /**
     * Sets or clears IFF_UP, leaving the other link flags as they are; does nothing if already so.
     *
     * @param up the wanted administrative state
     */
    public void setUp(boolean up) {
        int flags = linkFlags();
        int wanted = up ? flags | Linux.IFF_UP : flags & ~Linux.IFF_UP;
        if (wanted != flags) {
            prepare();
            Structs.ifrFlags(ifreq, wanted);
            socketIoctl(Linux.SIOCSIFFLAGS, "SIOCSIFFLAGS");
        }
    }

    /** @return the MTU (SIOCGIFMTU) */
    public int mtu() {
        prepare();
        socketIoctl(Linux.SIOCGIFMTU, "SIOCGIFMTU");
        return Structs.ifrMtu(ifreq);
    }

    /** @param mtu the new MTU (SIOCSIFMTU) */
    public void setMtu(int mtu) {
        prepare();
        Structs.ifrMtu(ifreq, mtu);
        socketIoctl(Linux.SIOCSIFMTU, "SIOCSIFMTU");
    }

    /** @return the hardware address (SIOCGIFHWADDR), most significant octet first in bits 47..0 */
    public long mac() {
        prepare();
        socketIoctl(Linux.SIOCGIFHWADDR, "SIOCGIFHWADDR");
        return Structs.ifrHwaddr(ifreq);
    }

    /** @param mac the new hardware address (SIOCSIFHWADDR), most significant octet first in bits 47..0 */
    public void setMac(long mac) {
        prepare();
        Structs.ifrHwaddr(ifreq, mac);
        socketIoctl(Linux.SIOCSIFHWADDR, "SIOCSIFHWADDR");
    }

    /**
     * Assigns the interface's IPv4 address: SIOCSIFADDR replaces the primary address (deriving a classful mask),
     * then SIOCSIFNETMASK sets the real one.
     *
     * @param address big-endian IPv4 address
     * @param netmask big-endian netmask
     */
    public void setIpv4(int address, int netmask) {
        prepare();
        Structs.ifrIpv4(ifreq, address);
        socketIoctl(Linux.SIOCSIFADDR, "SIOCSIFADDR");
        prepare();
        Structs.ifrIpv4(ifreq, netmask);
        socketIoctl(Linux.SIOCSIFNETMASK, "SIOCSIFNETMASK");
    }

    /** Removes the primary IPv4 address: SIOCSIFADDR with 0.0.0.0 deletes it and inserts nothing. */
    public void clearIpv4() {
        prepare();
        Structs.ifrIpv4(ifreq, 0);
        socketIoctl(Linux.SIOCSIFADDR, "SIOCSIFADDR");
    }

    /** @return the interface index (SIOCGIFINDEX) */
    public int ifIndex() {
        prepare();
        socketIoctl(Linux.SIOCGIFINDEX, "SIOCGIFINDEX");
        return Structs.ifrIfIndex(ifreq);
    }

    /** @return whether an interface of this name exists (SIOCGIFINDEX succeeds) */
    public boolean exists() {
        int fd = socket();
        prepare();
        return ioctl(fd, Linux.SIOCGIFINDEX, ifreq) == 0;
    }

    @Override
    public void close() {
        if (socket >= 0) {
            closeFd(socket);
            socket = -1;
        }
        arena.close();
    }

    private void prepare() {
        ifreq.fill((byte) 0);
        Structs.ifrName(ifreq, ifname);
    }

    /**
     * The socket for interface requests, opened on first use in the network namespace the device is in: the kernel
     * looks the name up in the socket's namespace, and an operator may have moved the TAP into another one (and
     * renamed it there), which this process's own namespace no longer shows. Without a device (before TUNSETIFF, or
     * socket requests only) or where the namespace cannot be joined, the socket is this process's.
     */
    private int socket() {
        if (socket < 0) {
            socket = tunFd < 0 ? newSocket() : socketWhereTheDeviceIs();
        }
        return socket;
    }

    private int socketWhereTheDeviceIs() {
        int netns = ioctl(tunFd, Linux.TUNGETDEVNETNS, 0L);
        if (netns < 0) {
            // Not attached yet (EBADFD), or a kernel before 5.2.
            return newSocket();
        }
        try {
            if (Netns.isOurs(netns)) {
                return newSocket();
            }
            String moved = currentName();
            int fd = Netns.callIn(netns, ifname + ": socket in its network namespace", () -> {
                // The helper thread's own errno segment: this object's arena is confined to its caller.
                try (Arena local = Arena.ofConfined()) {
                    return newSocket(LibC.allocateErrnoState(local), moved);
                }
            });
            ifname = moved;
            return fd;
        } catch (IOException e) {
            // Left to the request in this namespace, which names the likely cause (ENODEV: moved elsewhere).
            return newSocket();
        } finally {
            closeFd(netns);
        }
    }

    private int newSocket() {
        return newSocket(errno, ifname);
    }

    private static int newSocket(MemorySegment errnoState, String name) {
        int fd = LibC.socket(errnoState, Linux.AF_INET, Linux.SOCK_DGRAM | Linux.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Errno.failure(name, "socket(AF_INET, SOCK_DGRAM)", LibC.errno(errnoState));
        }
        return fd;
    }

    private void tunIoctl(long request, String name, MemorySegment arg) {
        if (ioctl(tunFd, request, arg) < 0) {
            throw Errno.failure(ifname, "ioctl(" + name + ")", LibC.errno(errno));
        }
    }

    private void socketIoctl(long request, String name) {
        int fd = socket();
        // The name only: the request's data, after it in the struct, stays as the caller prepared it.
        Structs.ifrName(ifreq, ifname);
        if (ioctl(fd, request, ifreq) < 0) {
            throw Errno.failure(ifname, "ioctl(" + name + ")", LibC.errno(errno));
        }
    }

    /** An ioctl with EINTR retried; leaves errno in {@link #errno} on failure. */
    private int ioctl(int fd, long request, MemorySegment arg) {
        int result;
        do {
            result = LibC.ioctl(errno, fd, request, arg);
        } while (result < 0 && LibC.errno(errno) == Errno.EINTR);
        return result;
    }

    private int ioctl(int fd, long request, long arg) {
        int result;
        do {
            result = LibC.ioctl(errno, fd, request, arg);
        } while (result < 0 && LibC.errno(errno) == Errno.EINTR);
        return result;
    }
}
