package dev.ringswitch.tap.internal.ffm;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The C structures the TAP code exchanges with the kernel, described with {@link MemoryLayout} and named fields so
 * that offsets come from the layout, not from magic numbers. Sizes and offsets are unit-tested against the kernel
 * ABI on x86_64 ({@code sizeof(struct ifreq) == 40}, {@code sizeof(struct sockaddr_in) == 16},
 * {@code sizeof(struct epoll_event) == 12}).
 *
 * <p>The accessors are static helpers over {@link VarHandle}s derived from the layouts; they are used on control
 * paths and by the selector, never per frame.
 */
public final class Structs {

    /** {@code IFNAMSIZ}: an interface name including its terminating NUL. */
    public static final int IFNAMSIZ = 16;

    /** {@code struct sockaddr}: family plus 14 bytes of address; used for the hardware address. */
    public static final StructLayout SOCKADDR = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sa_family"),
            MemoryLayout.sequenceLayout(14, JAVA_BYTE).withName("sa_data")
    ).withName("sockaddr");

    /** {@code struct sockaddr_in}: port and address in network byte order. */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_port"),
            JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero")
    ).withName("sockaddr_in");

    /**
     * {@code struct ifmap}: never used, but it is the union's largest member (two unsigned longs, a short and three
     * chars: 24 bytes, 8-aligned) and so fixes the size of {@code struct ifreq}.
     */
    private static final StructLayout IFMAP = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_start"),
            JAVA_LONG.withName("mem_end"),
            JAVA_SHORT.withName("base_addr"),
            JAVA_BYTE.withName("irq"),
            JAVA_BYTE.withName("dma"),
            JAVA_BYTE.withName("port"),
            MemoryLayout.paddingLayout(3)
    ).withName("ifmap");

    /**
     * The {@code ifr_ifru} union of {@code struct ifreq}, with the members RingSwitch uses. {@code ifr_addr} and
     * {@code ifr_netmask} are {@code struct sockaddr} in C; they are described as {@code sockaddr_in} (same size)
     * because only IPv4 goes through them.
     */
    public static final UnionLayout IFR_IFRU = MemoryLayout.unionLayout(
            SOCKADDR_IN.withName("ifr_addr"),
            SOCKADDR_IN.withName("ifr_netmask"),
            SOCKADDR.withName("ifr_hwaddr"),
            JAVA_SHORT.withName("ifr_flags"),
            JAVA_INT.withName("ifr_ifindex"),
            JAVA_INT.withName("ifr_mtu"),
            IFMAP.withName("ifr_map"),
            MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_newname"),
            ADDRESS.withName("ifr_data")
    ).withName("ifr_ifru");

    /** {@code struct ifreq} (net/if.h): 16-byte name plus the union; 40 bytes on 64-bit Linux. */
    public static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(IFNAMSIZ, JAVA_BYTE).withName("ifr_name"),
            IFR_IFRU
    ).withName("ifreq");

    /**
     * {@code struct epoll_event} (sys/epoll.h). glibc declares it {@code __attribute__((packed))} on x86_64 only
     * (for compatibility with 32-bit x86), which puts the 64-bit {@code data} at offset 4 for a 12-byte struct;
     * elsewhere it is naturally aligned (16 bytes).
     */
    public static final StructLayout EPOLL_EVENT = isX86_64()
            ? MemoryLayout.structLayout(
                    JAVA_INT.withName("events"),
                    JAVA_LONG.withByteAlignment(4).withName("data")
            ).withName("epoll_event")
            : MemoryLayout.structLayout(
                    JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    JAVA_LONG.withName("data")
            ).withName("epoll_event");

    private static final long IFR_NAME = IFREQ.byteOffset(groupElement("ifr_name"));
    private static final VarHandle IFR_FLAGS = ifru("ifr_flags");
    private static final VarHandle IFR_MTU = ifru("ifr_mtu");
    private static final VarHandle IFR_IFINDEX = ifru("ifr_ifindex");
    private static final VarHandle IFR_HWADDR_FAMILY = ifru("ifr_hwaddr", "sa_family");
    private static final long IFR_HWADDR_DATA = IFREQ.byteOffset(groupElement("ifr_ifru"),
            groupElement("ifr_hwaddr"), groupElement("sa_data"));
    private static final VarHandle IFR_ADDR_FAMILY = ifru("ifr_addr", "sin_family");
    private static final VarHandle IFR_ADDR_ADDR = ifru("ifr_addr", "sin_addr");

    private static final VarHandle EPOLL_EVENTS = EPOLL_EVENT.varHandle(groupElement("events"));
    private static final VarHandle EPOLL_DATA = EPOLL_EVENT.varHandle(groupElement("data"));

    private Structs() {
    }

    private static boolean isX86_64() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private static VarHandle ifru(String... path) {
        MemoryLayout.PathElement[] elements = new MemoryLayout.PathElement[path.length + 1];
        elements[0] = groupElement("ifr_ifru");
        for (int i = 0; i < path.length; i++) {
            elements[i + 1] = groupElement(path[i]);
        }
        return IFREQ.varHandle(elements);
    }

    /**
     * @param layout a struct or union
     * @param field a member name
     * @return the member's offset (for tests and documentation)
     */
    public static long offsetOf(GroupLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    // --- struct ifreq

    /**
     * Writes {@code ifr_name}.
     *
     * @param ifreq an {@link #IFREQ} segment
     * @param name an interface name of at most 15 bytes (already checked by {@code PortNames})
     */
    public static void ifrName(MemorySegment ifreq, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' does not fit IFNAMSIZ ("
                    + IFNAMSIZ + " bytes with the NUL)");
        }
        ifreq.asSlice(IFR_NAME, IFNAMSIZ).fill((byte) 0);
        MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, IFR_NAME, bytes.length);
    }

    /**
     * @param ifreq an {@link #IFREQ} segment
     * @return {@code ifr_name}, e.g. as filled in by TUNSETIFF for a {@code tap%d} pattern
     */
    public static String ifrName(MemorySegment ifreq) {
        return ifreq.asSlice(IFR_NAME, IFNAMSIZ).getString(0, StandardCharsets.UTF_8);
    }

    /** @param ifreq an {@link #IFREQ} segment @return {@code ifr_flags} as an unsigned 16-bit value */
    public static int ifrFlags(MemorySegment ifreq) {
        return Short.toUnsignedInt((short) IFR_FLAGS.get(ifreq, 0L));
    }

    /** @param ifreq an {@link #IFREQ} segment @param flags the new {@code ifr_flags} (low 16 bits) */
    public static void ifrFlags(MemorySegment ifreq, int flags) {
        IFR_FLAGS.set(ifreq, 0L, (short) flags);
    }

    /** @param ifreq an {@link #IFREQ} segment @return {@code ifr_mtu} */
    public static int ifrMtu(MemorySegment ifreq) {
        return (int) IFR_MTU.get(ifreq, 0L);
    }

    /** @param ifreq an {@link #IFREQ} segment @param mtu the new {@code ifr_mtu} */
    public static void ifrMtu(MemorySegment ifreq, int mtu) {
        IFR_MTU.set(ifreq, 0L, mtu);
    }

    /** @param ifreq an {@link #IFREQ} segment @return {@code ifr_ifindex} */
    public static int ifrIfIndex(MemorySegment ifreq) {
        return (int) IFR_IFINDEX.get(ifreq, 0L);
    }

    /**
     * Writes {@code ifr_hwaddr} as an Ethernet address.
     *
     * @param ifreq an {@link #IFREQ} segment
     * @param mac the address, most significant octet first in bits 47..0
     */
    public static void ifrHwaddr(MemorySegment ifreq, long mac) {
        IFR_HWADDR_FAMILY.set(ifreq, 0L, Linux.ARPHRD_ETHER);
        for (int i = 0; i < 6; i++) {
            ifreq.set(JAVA_BYTE, IFR_HWADDR_DATA + i, (byte) (mac >>> (8 * (5 - i))));
        }
    }

    /**
     * @param ifreq an {@link #IFREQ} segment filled by SIOCGIFHWADDR
     * @return the 48-bit address, most significant octet first
     */
    public static long ifrHwaddr(MemorySegment ifreq) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = (mac << 8) | (ifreq.get(JAVA_BYTE, IFR_HWADDR_DATA + i) & 0xFF);
        }
        return mac;
    }

    /**
     * Writes {@code ifr_addr} (or, the same bytes, {@code ifr_netmask}) as an AF_INET address.
     *
     * @param ifreq an {@link #IFREQ} segment
     * @param address the IPv4 address, big-endian in an int (10.0.0.1 is 0x0A000001)
     */
    public static void ifrIpv4(MemorySegment ifreq, int address) {
        IFR_ADDR_FAMILY.set(ifreq, 0L, (short) Linux.AF_INET);
        IFR_ADDR_ADDR.set(ifreq, 0L, address);
    }

    // --- struct epoll_event

    /**
     * @param events an array of {@link #EPOLL_EVENT}
     * @param index which element
     * @return its {@code events} mask
     */
    public static int epollEvents(MemorySegment events, long index) {
        return (int) EPOLL_EVENTS.get(events, index * EPOLL_EVENT.byteSize());
    }

    /**
     * @param events an array of {@link #EPOLL_EVENT}
     * @param index which element
     * @return its {@code data.u64}
     */
    public static long epollData(MemorySegment events, long index) {
        return (long) EPOLL_DATA.get(events, index * EPOLL_EVENT.byteSize());
    }

    /**
     * Fills one {@link #EPOLL_EVENT}.
     *
     * @param event the struct
     * @param mask EPOLL* bits
     * @param data the value epoll_wait returns for it
     */
    public static void epollEvent(MemorySegment event, int mask, long data) {
        EPOLL_EVENTS.set(event, 0L, mask);
        EPOLL_DATA.set(event, 0L, data);
    }
}
