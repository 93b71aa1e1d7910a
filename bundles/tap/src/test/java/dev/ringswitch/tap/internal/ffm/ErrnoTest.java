package dev.ringswitch.tap.internal.ffm;

import dev.ringswitch.api.port.PortException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one errno-to-exception mapping: message shape, subclasses and hints.
 */
class ErrnoTest {

    @Test
    void shouldNameInterfaceOperationSymbolTextAndFix() {
        PortException e = Errno.failure("rst-a0", "ioctl(SIOCSIFMTU)", Errno.EINVAL);
        assertEquals("rst-a0: ioctl(SIOCSIFMTU) failed: EINVAL (Invalid argument); "
                + "the kernel rejected the value for this interface", e.getMessage());
        assertEquals("rst-a0", e.interfaceName());
        assertEquals("ioctl(SIOCSIFMTU)", e.operation());
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void shouldMapEpermAndEaccesToPermissionDeniedNamingCapNetAdmin() {
        for (int errno : new int[] {Errno.EPERM, Errno.EACCES}) {
            PortException e = Errno.failure("rst-a0", "ioctl(TUNSETIFF)", errno);
            assertInstanceOf(PortException.PermissionDenied.class, e);
            assertTrue(e.getMessage().startsWith("rst-a0: ioctl(TUNSETIFF) failed: " + Errno.symbol(errno) + " ("),
                    e.getMessage());
            assertTrue(e.getMessage().contains("CAP_NET_ADMIN"), e.getMessage());
            assertTrue(e.getMessage().contains("/dev/net/tun must exist"), e.getMessage());
        }
    }

    @Test
    void shouldMapEbusyAndEexistToNameInUse() {
        for (int errno : new int[] {Errno.EBUSY, Errno.EEXIST}) {
            PortException e = Errno.failure("rst-a0", "ioctl(TUNSETIFF)", errno);
            assertInstanceOf(PortException.NameInUse.class, e);
            assertTrue(e.getMessage().contains("the name is taken by another device or process"), e.getMessage());
        }
    }

    @Test
    void shouldKnowErrnoSymbols() {
        assertEquals("EPERM", Errno.symbol(1));
        assertEquals("EAGAIN", Errno.symbol(11));
        assertEquals("EBUSY", Errno.symbol(16));
        assertEquals("ERANGE", Errno.symbol(34));
        assertEquals("EADDRNOTAVAIL", Errno.symbol(99));
        assertEquals("errno 4095", Errno.symbol(4095));
        assertEquals("EPERM (Operation not permitted)", Errno.describe(Errno.EPERM));
    }

    @Test
    void shouldRaiseDatapathFailuresWithoutStackTrace() {
        PortException e = Errno.ioFailure("rst-a0", "write", Errno.EIO);
        assertEquals(0, e.getStackTrace().length);
        assertTrue(e.getMessage().startsWith("rst-a0: write failed: EIO (Input/output error); the link is down"),
                e.getMessage());
    }
}
