package dev.ringswitch.tap.internal.ffm;

/**
 * Linux constants for TAP devices, interface ioctls, epoll and eventfd, written by hand.
 *
 * <p>Most of them are function-like macros in the C headers ({@code _IOW('T', 202, int)}) that no binding generator
 * can evaluate, so each is written out with the macro it comes from. The values are the generic Linux ABI used by
 * x86_64 and AArch64 (and every architecture without its own {@code asm/ioctl.h}); they were checked against the
 * headers of glibc 2.36 / Linux 6.1 with a throw-away C program, and {@code LinuxTest} recomputes the ioctl numbers
 * from the {@code _IOC} formula. Keep in sync with {@code linux/if_tun.h}, {@code linux/sockios.h},
 * {@code net/if.h}, {@code bits/fcntl-linux.h}, {@code sys/epoll.h} and {@code sys/eventfd.h}.
 */
public final class Linux {

    private Linux() {
    }

    // --- /dev/net/tun ioctls (linux/if_tun.h); _IOW = dir 1, _IOR = dir 2, size sizeof(int) = 4, type 'T' = 0x54

    /** {@code TUNSETIFF = _IOW('T', 202, int)}: create or attach a TUN/TAP device (struct ifreq *). */
    public static final long TUNSETIFF = 0x400454caL;
    /** {@code TUNSETPERSIST = _IOW('T', 203, int)}: make the device outlive the fd (value argument). */
    public static final long TUNSETPERSIST = 0x400454cbL;
    /** {@code TUNGETFEATURES = _IOR('T', 207, unsigned int)}: the IFF_* flags this kernel supports (unsigned *). */
    public static final long TUNGETFEATURES = 0x800454cfL;
    /** {@code TUNSETOFFLOAD = _IOW('T', 208, unsigned int)}: TUN_F_* offloads the reader accepts (value). */
    public static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code TUNGETIFF = _IOR('T', 210, unsigned int)}: name and flags of the attached device (struct ifreq *). */
    public static final long TUNGETIFF = 0x800454d2L;
    /** {@code TUNSETVNETHDRSZ = _IOW('T', 216, int)}: size of the virtio-net header (int *). */
    public static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code TUNGETDEVNETNS = _IO('T', 227)}: a new fd for the network namespace the device is in now (Linux 5.2). */
    public static final long TUNGETDEVNETNS = 0x54e3L;
    /** {@code CLONE_NEWNET}: the namespace type for setns(2). */
    public static final int CLONE_NEWNET = 0x40000000;

    // --- socket ioctls on an AF_INET socket (linux/sockios.h): plain numbers, no _IOC encoding

    /** {@code SIOCSIFADDR}: set the interface's IPv4 address (0.0.0.0 removes it). */
    public static final long SIOCSIFADDR = 0x8916L;
    /** {@code SIOCGIFFLAGS}: get IFF_* link flags. */
    public static final long SIOCGIFFLAGS = 0x8913L;
    /** {@code SIOCSIFFLAGS}: set IFF_* link flags. */
    public static final long SIOCSIFFLAGS = 0x8914L;
    /** {@code SIOCSIFNETMASK}: set the netmask of the interface's IPv4 address. */
    public static final long SIOCSIFNETMASK = 0x891cL;
    /** {@code SIOCGIFMTU}: get the MTU. */
    public static final long SIOCGIFMTU = 0x8921L;
    /** {@code SIOCSIFMTU}: set the MTU. */
    public static final long SIOCSIFMTU = 0x8922L;
    /** {@code SIOCSIFHWADDR}: set the hardware (MAC) address. */
    public static final long SIOCSIFHWADDR = 0x8924L;
    /** {@code SIOCGIFHWADDR}: get the hardware (MAC) address. */
    public static final long SIOCGIFHWADDR = 0x8927L;
    /** {@code SIOCGIFINDEX}: get the interface index. */
    public static final long SIOCGIFINDEX = 0x8933L;

    // --- TUN/TAP flags in ifr_flags (linux/if_tun.h)

    /** {@code IFF_TAP}: an Ethernet (layer 2) device, as opposed to IFF_TUN (layer 3). */
    public static final int IFF_TAP = 0x0002;
    /** {@code IFF_NO_PI}: no 4-byte packet-information prefix on frames. */
    public static final int IFF_NO_PI = 0x1000;
    /** {@code IFF_VNET_HDR}: a struct virtio_net_hdr precedes every frame. */
    public static final int IFF_VNET_HDR = 0x4000;
    /** {@code IFF_MULTI_QUEUE}: each open of the same name adds a queue. */
    public static final int IFF_MULTI_QUEUE = 0x0100;
    /** {@code IFF_PERSIST}: reported by TUNGETIFF when the device outlives its fds. */
    public static final int IFF_PERSIST = 0x0800;

    /** Size of {@code struct virtio_net_hdr}, the kernel's default for IFF_VNET_HDR (linux/virtio_net.h). */
    public static final int VIRTIO_NET_HDR_LEN = 10;

    // --- TUNSETOFFLOAD flags (linux/if_tun.h): what the reader of the fd accepts from the kernel

    /** {@code TUN_F_CSUM}: frames may carry a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
    public static final int TUN_F_CSUM = 0x01;
    /** {@code TUN_F_TSO4}: TCP/IPv4 GSO frames (VIRTIO_NET_HDR_GSO_TCPV4). */
    public static final int TUN_F_TSO4 = 0x02;
    /** {@code TUN_F_TSO6}: TCP/IPv6 GSO frames (VIRTIO_NET_HDR_GSO_TCPV6). */
    public static final int TUN_F_TSO6 = 0x04;
    /** {@code TUN_F_TSO_ECN}: TSO frames with ECN/CWR set (VIRTIO_NET_HDR_GSO_ECN). */
    public static final int TUN_F_TSO_ECN = 0x08;

    // --- link flags (net/if.h)

    /** {@code IFF_UP}: administratively up. */
    public static final int IFF_UP = 0x1;

    // --- open(2), socket(2)

    /** {@code O_RDWR}. */
    public static final int O_RDWR = 0x2;
    /** {@code O_NONBLOCK} (octal 04000). */
    public static final int O_NONBLOCK = 0x800;
    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = 0;
    /** {@code O_CLOEXEC} (octal 02000000): no fd leaks into processes the JVM starts. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code AF_UNIX}. */
    public static final int AF_UNIX = 1;
    /** {@code SOCK_SEQPACKET}: connected, and each write is read as one message. */
    public static final int SOCK_SEQPACKET = 5;
    /** {@code SOCK_NONBLOCK} (= O_NONBLOCK). */
    public static final int SOCK_NONBLOCK = O_NONBLOCK;
    /** {@code SOCK_CLOEXEC} (= O_CLOEXEC). */
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** {@code ARPHRD_ETHER} (net/if_arp.h): sa_family of an Ethernet hardware address. */
    public static final short ARPHRD_ETHER = 1;

    // --- epoll(7), eventfd(2)

    /** {@code EPOLL_CLOEXEC} (= O_CLOEXEC). */
    public static final int EPOLL_CLOEXEC = O_CLOEXEC;
    /** {@code EPOLL_CTL_ADD}. */
    public static final int EPOLL_CTL_ADD = 1;
    /** {@code EPOLL_CTL_DEL}. */
    public static final int EPOLL_CTL_DEL = 2;
    /** {@code EPOLL_CTL_MOD}. */
    public static final int EPOLL_CTL_MOD = 3;
    /** {@code EPOLLIN}: readable. */
    public static final int EPOLLIN = 0x001;
    /** {@code EFD_NONBLOCK} (= O_NONBLOCK). */
    public static final int EFD_NONBLOCK = O_NONBLOCK;
    /** {@code EFD_CLOEXEC} (= O_CLOEXEC). */
    public static final int EFD_CLOEXEC = O_CLOEXEC;
}
