package dev.ringswitch.tap.internal.ffm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hand-written ioctl numbers, recomputed from the generic {@code _IOC} macro of {@code asm-generic/ioctl.h}:
 * {@code dir << 30 | size << 16 | type << 8 | nr}.
 */
class LinuxTest {

    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;
    private static final int SIZEOF_INT = 4;

    private static long ioc(int dir, char type, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
    }

    @Test
    void shouldMatchTheIocEncodingOfTunIoctls() {
        assertEquals(ioc(IOC_WRITE, 'T', 202, SIZEOF_INT), Linux.TUNSETIFF);
        assertEquals(ioc(IOC_WRITE, 'T', 203, SIZEOF_INT), Linux.TUNSETPERSIST);
        assertEquals(ioc(IOC_READ, 'T', 207, SIZEOF_INT), Linux.TUNGETFEATURES);
        assertEquals(ioc(IOC_WRITE, 'T', 208, SIZEOF_INT), Linux.TUNSETOFFLOAD);
        assertEquals(ioc(IOC_READ, 'T', 210, SIZEOF_INT), Linux.TUNGETIFF);
        assertEquals(ioc(IOC_WRITE, 'T', 216, SIZEOF_INT), Linux.TUNSETVNETHDRSZ);
        assertEquals(0x400454caL, Linux.TUNSETIFF);
    }

    @Test
    void shouldMatchTheSockiosNumbers() {
        assertEquals(0x8913, Linux.SIOCGIFFLAGS);
        assertEquals(0x8914, Linux.SIOCSIFFLAGS);
        assertEquals(0x8916, Linux.SIOCSIFADDR);
        assertEquals(0x891c, Linux.SIOCSIFNETMASK);
        assertEquals(0x8921, Linux.SIOCGIFMTU);
        assertEquals(0x8922, Linux.SIOCSIFMTU);
        assertEquals(0x8924, Linux.SIOCSIFHWADDR);
        assertEquals(0x8927, Linux.SIOCGIFHWADDR);
        assertEquals(0x8933, Linux.SIOCGIFINDEX);
    }
}
