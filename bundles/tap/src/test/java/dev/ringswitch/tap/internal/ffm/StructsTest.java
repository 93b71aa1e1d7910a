package dev.ringswitch.tap.internal.ffm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The struct layouts against the kernel ABI. The expected numbers are what gcc reports for glibc's headers on
 * x86_64 ({@code sizeof}/{@code offsetof}); the layouts themselves are architecture-neutral except epoll_event.
 */
class StructsTest {

    @Test
    void shouldMatchStructIfreqAbi() {
        assertEquals(40, Structs.IFREQ.byteSize(), "sizeof(struct ifreq)");
        assertEquals(8, Structs.IFREQ.byteAlignment(), "alignof(struct ifreq)");
        assertEquals(0, Structs.offsetOf(Structs.IFREQ, "ifr_name"));
        assertEquals(16, Structs.offsetOf(Structs.IFREQ, "ifr_ifru"), "offsetof(struct ifreq, ifr_ifru)");
        assertEquals(24, Structs.IFR_IFRU.byteSize(), "the union is as large as struct ifmap");
        for (String member : new String[] {"ifr_addr", "ifr_netmask", "ifr_hwaddr", "ifr_flags", "ifr_ifindex",
            "ifr_mtu", "ifr_map", "ifr_data"}) {
            assertEquals(0, Structs.offsetOf(Structs.IFR_IFRU, member), member + " is a union member");
        }
    }

    @Test
    void shouldMatchStructSockaddrAbi() {
        assertEquals(16, Structs.SOCKADDR_IN.byteSize(), "sizeof(struct sockaddr_in)");
        assertEquals(2, Structs.offsetOf(Structs.SOCKADDR_IN, "sin_port"));
        assertEquals(4, Structs.offsetOf(Structs.SOCKADDR_IN, "sin_addr"));
        assertEquals(8, Structs.offsetOf(Structs.SOCKADDR_IN, "sin_zero"));
        assertEquals(16, Structs.SOCKADDR.byteSize(), "sizeof(struct sockaddr)");
        assertEquals(2, Structs.offsetOf(Structs.SOCKADDR, "sa_data"));
    }

    @Test
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
    void shouldMatchPackedEpollEventAbiOnX86_64() {
        assertEquals(12, Structs.EPOLL_EVENT.byteSize(), "sizeof(struct epoll_event), packed on x86_64");
        assertEquals(0, Structs.offsetOf(Structs.EPOLL_EVENT, "events"));
        assertEquals(4, Structs.offsetOf(Structs.EPOLL_EVENT, "data"));
    }

    @Test
    void shouldWriteIfreqFieldsWhereTheKernelReadsThem() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Structs.IFREQ);
            Structs.ifrName(ifreq, "rst-a0");
            assertEquals("rst-a0", Structs.ifrName(ifreq));
            assertEquals(0, ifreq.get(JAVA_BYTE, 6), "NUL-terminated");

            Structs.ifrIpv4(ifreq, 0x0A4D0001);
            // sin_family = AF_INET (host order), sin_port = 0, sin_addr = 10.77.0.1 in network order.
            assertArrayEquals(new byte[] {2, 0, 0, 0, 10, 77, 0, 1}, ifreq.asSlice(16, 8).toArray(JAVA_BYTE));

            Structs.ifrHwaddr(ifreq, 0x02_00_5E_10_20_30L);
            assertArrayEquals(new byte[] {1, 0, 0x02, 0x00, 0x5E, 0x10, 0x20, 0x30},
                    ifreq.asSlice(16, 8).toArray(JAVA_BYTE), "sa_family ARPHRD_ETHER, then the six octets");
            assertEquals(0x02_00_5E_10_20_30L, Structs.ifrHwaddr(ifreq));

            Structs.ifrFlags(ifreq, Linux.IFF_TAP | Linux.IFF_NO_PI | Linux.IFF_VNET_HDR);
            assertEquals(0x5002, Structs.ifrFlags(ifreq));
            assertEquals(0x02, ifreq.get(JAVA_BYTE, 16), "ifr_flags is a little-endian short at offset 16");
        }
    }

    @Test
    void shouldRefuseNamesLongerThanIfnamsiz() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(Structs.IFREQ);
            assertThrows(IllegalArgumentException.class, () -> Structs.ifrName(ifreq, "0123456789abcdef"));
        }
    }

    @Test
    void shouldReadEpollEventsFromAnArray() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Structs.EPOLL_EVENT, 2);
            Structs.epollEvent(events.asSlice(Structs.EPOLL_EVENT.byteSize()), Linux.EPOLLIN, 42L);
            assertEquals(Linux.EPOLLIN, Structs.epollEvents(events, 1));
            assertEquals(42L, Structs.epollData(events, 1));
        }
    }
}
