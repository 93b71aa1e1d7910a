package dev.ringswitch.tap.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.support.LinuxNet;
import dev.ringswitch.tap.internal.support.OneTap;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TAP an operator moved into another network namespace, and renamed there: the port still reads the kernel's count
 * of frames dropped on their way to the switch (its {@code tx_dropped}) and still configures the interface (link
 * state, MTU, MAC, IPv4 address), in the namespace the interface is in now. And a port created in a named namespace
 * from the start ({@code netns}).
 */
class MovedTapTest {

    private static final String NAME = "rst-q0";
    private static final String RENAMED = "rst-q0b";
    private static final long MAC = 0x02_52_53_00_00_f0L;
    private static final Pattern TX_DROPPED = Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)");

    @Test
    void shouldReadTheDropsOfATapMovedToAnotherNamespaceAndRenamed() {
        Privileges.requireRoot("TAP devices and network namespaces");
        try (OneTap tap = new OneTap(NAME, MAC); NetworkNamespace host = NetworkNamespace.create("rst-q")) {
            TapPort port = tap.port;
            assertEquals(0, port.kernelQueueDrops(), "a new interface has dropped nothing");

            // Nobody reads the fd: with room for 4 frames, most of 20 pings are dropped by the TUN driver.
            host.adopt(NAME, "10.213.0.1/24");
            host.ip("link", "set", NAME, "txqueuelen", "4");
            host.ip("neigh", "replace", "10.213.0.2", "lladdr", "02:52:53:00:00:f1", "dev", NAME);
            host.run(false, "ping", "-n", "-q", "-c", "20", "-i", "0.002", "-W", "1", "10.213.0.2");
            // Down before counting: the namespace's own stack keeps sending now and then (IPv6 router
            // solicitations, MLD reports), and each of those is one more drop between two readings.
            host.ip("link", "set", NAME, "down");
            long inNamespace = txDropped(host.ip("-s", "-j", "link", "show", NAME));
            assertTrue(inNamespace >= 10, "the kernel counted the overflow: " + inNamespace);
            assertEquals(inNamespace, port.kernelQueueDrops(), "read in the namespace the TAP was moved to");

            host.ip("link", "set", NAME, "name", RENAMED);
            host.ip("link", "set", RENAMED, "netns", "1");
            assertTrue(LinuxNet.exists(RENAMED), "moved back under its new name");
            assertEquals(inNamespace, port.kernelQueueDrops(), "read in this namespace, under the new name");
        } finally {
            LinuxNet.deleteIfPresent(RENAMED);
        }
    }

    @Test
    void shouldTellTheNamespaceTheTapIsInNow() {
        Privileges.requireRoot("TAP devices and network namespaces");
        try (OneTap tap = new OneTap(NAME, MAC); NetworkNamespace host = NetworkNamespace.create("rst-q")) {
            TapPort port = tap.port;
            assertEquals(TapPort.OWN_NETNS, port.currentNetns(), "created here");
            LinuxNet.run("ip", "link", "set", NAME, "netns", host.name());
            assertEquals("rst-q", port.currentNetns(), "moved by hand into a namespace ip netns knows");
            host.ip("link", "set", NAME, "name", RENAMED);
            host.ip("link", "set", RENAMED, "netns", "1");
            assertEquals(TapPort.OWN_NETNS, port.currentNetns(), "moved back, under another name");
            port.close();
            assertNull(port.currentNetns(), "a closed port cannot tell");
        } finally {
            LinuxNet.deleteIfPresent(RENAMED);
        }
    }

    @Test
    void shouldConfigureATapMovedToAnotherNamespaceAndRenamed() {
        Privileges.requireRoot("TAP devices and network namespaces");
        try (OneTap tap = new OneTap(NAME, MAC); NetworkNamespace host = NetworkNamespace.create("rst-q")) {
            TapPort port = tap.port;
            LinuxNet.run("ip", "link", "set", NAME, "netns", host.name());
            host.ip("link", "set", NAME, "name", RENAMED);

            port.setMtu(1400);
            port.setMac(new MacAddress(0x02_52_53_00_00_f2L));
            port.setIpv4(Ipv4Prefix.parse("10.213.1.1/24"));
            port.setUp(true);
            String link = host.ip("link", "show", RENAMED);
            assertTrue(link.contains("mtu 1400") && link.contains("02:52:53:00:00:f2") && link.contains(",UP"), link);
            assertTrue(host.ip("-4", "addr", "show", RENAMED).contains("10.213.1.1/24"));
            assertEquals(1400, port.mtu());
            assertTrue(port.isUp());
            assertEquals(new MacAddress(0x02_52_53_00_00_f2L), port.mac());

            port.setUp(false);
            assertFalse(port.isUp());
            assertFalse(host.ip("link", "show", RENAMED).contains(",UP"));
            assertFalse(LinuxNet.exists(NAME) || LinuxNet.exists(RENAMED), "nothing happened in this namespace");
        }
    }

    @Test
    void shouldCreateTheInterfaceInANamedNamespace() {
        Privileges.requireRoot("TAP devices and network namespaces");
        TapPortProvider provider = new TapPortProvider();
        try (NetworkNamespace host = NetworkNamespace.create("rst-n")) {
            TapPort port = provider.open(PortConfig.of("rst-n0").withNetns("rst-n").withMtu(1400));
            assertTrue(host.ip("link", "show", "rst-n0").contains("mtu 1400"));
            assertFalse(LinuxNet.exists("rst-n0"), "created in the namespace, not here");
            assertEquals(0, port.kernelQueueDrops());
            port.close();
            assertFalse(host.ip("link", "show").contains("rst-n0"), "closing the fd deletes it there");

            PortException missing = assertThrows(PortException.class,
                    () -> provider.open(PortConfig.of("rst-n1").withNetns("rst-none")));
            assertEquals("rst-n1: no network namespace rst-none (/run/netns/rst-none does not exist): create it with"
                    + " ip netns add rst-none, or add the port without --netns", missing.getMessage());
        } finally {
            provider.deactivate();
            LinuxNet.deleteIfPresent("rst-n0", "rst-n1");
        }
    }

    @Test
    void shouldFindTheTransmitDropsColumnOfProcNetDev() {
        List<String> file = List.of(
                "Inter-|   Receive                                                |  Transmit",
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop"
                        + " fifo colls carrier compressed",
                "    lo:     140       2    0    0    0     0          0         0      140       2    0    0"
                        + "    0     0       0          0",
                "rst-q0:    1000      10    1    2    0     0          0         0     2000      20    3   17"
                        + "    0     0       0          0");
        assertEquals(17, KernelQueueDrops.txDropped(file, "rst-q0"));
        assertEquals(0, KernelQueueDrops.txDropped(file, "lo"));
        assertEquals(TapPort.UNKNOWN_COUNT, KernelQueueDrops.txDropped(file, "rst-q"), "whole names only");
    }

    private static long txDropped(String ipJson) {
        Matcher m = TX_DROPPED.matcher(ipJson);
        assertTrue(m.find(), () -> "no tx dropped in " + ipJson);
        return Long.parseLong(m.group(1));
    }
}
