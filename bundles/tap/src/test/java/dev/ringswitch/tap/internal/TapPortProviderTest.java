package dev.ringswitch.tap.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.ffm.Errno;
import dev.ringswitch.tap.internal.ffm.Linux;
import dev.ringswitch.tap.internal.support.LinuxNet;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real TAP devices through the provider: creation and link settings as the kernel reports them, reconfiguration,
 * name patterns, close and persistence, and the error paths of opening. Runs as root (CI does); every interface is
 * named {@code rst-*} and removed after each test even on failure.
 */
class TapPortProviderTest {

    private static final String[] NAMES = {"rst-a0", "rst-c0", "rst-s0", "rst-b0", "rst-u0", "rst-x0", "rst-x1",
        "rst-m0", "rst-v0", "rst-d0", "rst-d1"};

    private TapPortProvider provider;
    private String patternName;

    @BeforeEach
    void setUp() {
        Privileges.requireRoot("TAP device tests");
        provider = new TapPortProvider();
        provider.activate();
    }

    @AfterEach
    void tearDown() {
        if (provider != null) {
            provider.deactivate();
        }
        LinuxNet.deleteIfPresent(NAMES);
        if (patternName != null) {
            LinuxNet.deleteIfPresent(patternName);
        }
    }

    @Test
    void shouldCreateInterfaceWithRequestedMtuMacStateAndIpv4() {
        MacAddress mac = MacAddress.parse("02:52:53:00:00:a0");
        TapPort port = provider.open(PortConfig.of("rst-a0").withMtu(1400).withMac(mac)
                .withIpv4(Ipv4Prefix.parse("10.77.0.1/24")));

        assertTrue(LinuxNet.exists("rst-a0"), "/sys/class/net/rst-a0 exists");
        assertEquals("1400", LinuxNet.attribute("rst-a0", "mtu"));
        assertEquals("02:52:53:00:00:a0", LinuxNet.attribute("rst-a0", "address"));
        int flags = Integer.decode(LinuxNet.attribute("rst-a0", "flags"));
        assertEquals(Linux.IFF_UP, flags & Linux.IFF_UP, "IFF_UP in /sys/class/net/rst-a0/flags");
        // A TAP with a reader has carrier; the driver reports no finer link state, so "unknown" means up.
        LinuxNet.awaitOperational("rst-a0", 5_000);
        assertTrue(Set.of("up", "unknown").contains(LinuxNet.attribute("rst-a0", "operstate")),
                LinuxNet.attribute("rst-a0", "operstate"));
        String ip = LinuxNet.run("ip", "-4", "addr", "show", "dev", "rst-a0");
        assertTrue(ip.contains("inet 10.77.0.1/24"), ip);

        assertEquals("rst-a0", port.name());
        assertEquals(Integer.parseInt(LinuxNet.attribute("rst-a0", "ifindex")), port.ifIndex());
        assertEquals(1400, port.mtu());
        assertEquals(mac, port.mac());
        assertTrue(port.isUp());
        assertFalse(port.isPersistent());
        assertEquals(Linux.IFF_TAP | Linux.IFF_NO_PI, port.flags() & (Linux.IFF_TAP | Linux.IFF_NO_PI));
        assertFalse(port.vnetHdr());
    }

    @Test
    void shouldReconfigureLinkWithoutReopening() {
        TapPort port = provider.open(PortConfig.of("rst-a0").withIpv4(Ipv4Prefix.parse("10.77.1.1/16")));

        port.setMtu(9000);
        port.setMac(MacAddress.parse("02:52:53:00:00:a1"));
        port.setIpv4(Ipv4Prefix.parse("10.77.2.1/28"));
        port.setUp(false);

        assertEquals("9000", LinuxNet.attribute("rst-a0", "mtu"));
        assertEquals("02:52:53:00:00:a1", LinuxNet.attribute("rst-a0", "address"));
        assertEquals(0, Integer.decode(LinuxNet.attribute("rst-a0", "flags")) & Linux.IFF_UP);
        assertFalse(port.isUp());
        String ip = LinuxNet.run("ip", "-4", "addr", "show", "dev", "rst-a0");
        assertTrue(ip.contains("inet 10.77.2.1/28"), ip);
        assertFalse(ip.contains("10.77.1.1"), ip);

        port.setIpv4(null);
        ip = LinuxNet.run("ip", "-4", "addr", "show", "dev", "rst-a0");
        assertFalse(ip.contains("inet "), ip);
    }

    @Test
    void shouldReportTheNameTheKernelChoseForAPattern() {
        TapPort port = provider.open(PortConfig.of("rst-p%d"));
        patternName = port.name();

        assertTrue(port.name().matches("rst-p[0-9]+"), port.name());
        assertTrue(LinuxNet.exists(port.name()));
    }

    @Test
    void shouldReleaseInterfaceOnCloseAndCloseOnlyOnce() {
        TapPort port = provider.open(PortConfig.of("rst-c0"));
        assertEquals(1, provider.openPortCount());

        port.close();
        port.close();

        assertTrue(port.isClosed());
        assertFalse(LinuxNet.exists("rst-c0"), "a non-persistent TAP disappears with its fd");
        assertEquals(0, provider.openPortCount());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64);
            PortException e = assertThrows(PortException.class, () -> port.read(buffer, 0, 64));
            assertEquals(Errno.EBADF, e.errno());
            assertThrows(PortException.class, () -> port.setMtu(1280));
        }
    }

    @Test
    void shouldKeepPersistentPortAfterCloseAndReattachToIt() {
        TapPort first = provider.open(PortConfig.of("rst-s0").withPersistent(true).withMtu(1300));
        int ifIndex = first.ifIndex();
        assertTrue(first.isPersistent());
        first.close();

        assertTrue(LinuxNet.exists("rst-s0"), "a persistent TAP survives its fd");

        TapPort again = provider.open(PortConfig.of("rst-s0").withPersistent(true));
        assertEquals(ifIndex, again.ifIndex(), "attached to the same device");
        assertEquals(1300, again.mtu());
        assertTrue(again.isPersistent());

        again.setPersistent(false);
        again.close();
        assertFalse(LinuxNet.exists("rst-s0"), "no longer persistent: gone with the last fd");
    }

    @Test
    void shouldCloseItsPortsOnDeactivate() {
        provider.open(PortConfig.of("rst-d0"));
        provider.open(PortConfig.of("rst-d1"));

        provider.deactivate();

        assertFalse(LinuxNet.exists("rst-d0"));
        assertFalse(LinuxNet.exists("rst-d1"));
        assertEquals(0, provider.openPortCount());
    }

    @Test
    void shouldRefuseATakenNameWithNameInUse() {
        provider.open(PortConfig.of("rst-b0"));

        PortException e = assertThrows(PortException.NameInUse.class, () -> provider.open(PortConfig.of("rst-b0")));

        assertEquals("rst-b0: ioctl(TUNSETIFF) failed: EBUSY (Device or resource busy); the name is taken by another"
                + " device or process (a TAP without multi-queue can be open only once): choose another name or stop"
                + " the other user", e.getMessage());
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(LinuxNet.exists("rst-b0"), "the first port is untouched");
        assertEquals(1, provider.openPortCount());
    }

    @Test
    void shouldRefuseTheNameOfADeviceThatIsNotATap() {
        LinuxNet.run("ip", "tuntap", "add", "dev", "rst-u0", "mode", "tun");

        PortException e = assertThrows(PortException.NameInUse.class, () -> provider.open(PortConfig.of("rst-u0")));

        assertTrue(e.getMessage().startsWith("rst-u0: ioctl(TUNSETIFF) failed: EINVAL (Invalid argument); an"
                + " interface named rst-u0 already exists but is not a TAP device"), e.getMessage());
        assertTrue(LinuxNet.exists("rst-u0"), "the other device is untouched");
    }

    @Test
    void shouldLeaveNothingBehindWhenConfigurationFails() {
        // 224.0.0.1 is multicast: SIOCSIFADDR refuses it, after TUNSETIFF created the device.
        PortConfig config = PortConfig.of("rst-x0").withPersistent(true).withIpv4(Ipv4Prefix.parse("224.0.0.1/4"));

        PortException e = assertThrows(PortException.class, () -> provider.open(config));

        assertTrue(e.getMessage().startsWith("rst-x0: ioctl(SIOCSIFADDR) failed: EINVAL (Invalid argument); "),
                e.getMessage());
        assertFalse(LinuxNet.exists("rst-x0"), "the half-configured device was removed");
        assertEquals(0, provider.openPortCount());
    }

    @Test
    void shouldKeepAPreexistingPersistentTapWhenAttachingFails() {
        LinuxNet.run("ip", "tuntap", "add", "dev", "rst-x1", "mode", "tap");

        assertThrows(PortException.class, () -> provider.open(PortConfig.of("rst-x1")
                .withIpv4(Ipv4Prefix.parse("224.0.0.1/4"))));

        assertTrue(LinuxNet.exists("rst-x1"), "a device this call did not create is left in place");
        String details = LinuxNet.run("ip", "-d", "link", "show", "dev", "rst-x1");
        assertTrue(details.contains("persist on"), details);
    }

    @Test
    void shouldOpenAMultiQueueTapOncePerQueue() {
        TapPort first = provider.open(PortConfig.of("rst-m0").withMultiQueue(true));
        TapPort second = provider.open(PortConfig.of("rst-m0").withMultiQueue(true));

        assertEquals(first.ifIndex(), second.ifIndex());
        assertEquals(Linux.IFF_MULTI_QUEUE, second.flags() & Linux.IFF_MULTI_QUEUE);
        first.close();
        assertTrue(LinuxNet.exists("rst-m0"), "the device lives while one queue is open");
        second.close();
        assertFalse(LinuxNet.exists("rst-m0"));
    }

    @Test
    void shouldOpenWithVirtioNetHeader() {
        TapPort port = provider.open(PortConfig.of("rst-v0").withVnetHdr(true));

        assertTrue(port.vnetHdr());
        assertEquals(Linux.IFF_VNET_HDR, port.flags() & Linux.IFF_VNET_HDR);
        String details = LinuxNet.run("ip", "-d", "link", "show", "dev", "rst-v0");
        assertTrue(details.contains("vnet_hdr on"), details);
        assertNotEquals(0, port.ifIndex());
        // TUNSETOFFLOAD turned on the interface's checksum and segmentation offloads (ethtool, apt package ethtool).
        String features = LinuxNet.run("ethtool", "-k", "rst-v0");
        assertTrue(features.contains("tx-checksumming: on"), features);
        assertTrue(features.contains("tx-tcp-segmentation: on"), features);
        assertTrue(features.contains("tx-tcp6-segmentation: on"), features);
        assertTrue(features.contains("tx-tcp-ecn-segmentation: on"), features);
    }

    @Test
    void shouldOpenWithoutOffloadsWhenThereIsNoVirtioNetHeader() {
        provider.open(PortConfig.of("rst-v0"));

        String features = LinuxNet.run("ethtool", "-k", "rst-v0");
        assertTrue(features.contains("tx-tcp-segmentation: off"), features);
    }
}
