package dev.ringswitch.vlan.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanSet;
import dev.ringswitch.datapath.internal.TestSwitch;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.PacketCapture;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on real TAPs: RingSwitch (TAP provider, datapath, VLAN module) with three access ports whose kernel
 * sides sit in their own namespaces, and a trunk TAP carrying VLANs 10 and 20 to a real 802.1Q peer, Open vSwitch's
 * userspace datapath (this kernel has no 8021q), which has an access port in each VLAN.
 *
 * <pre>
 *  rsvna10a 10.78.0.12 --rsva10a (access 10)--+                        +-- rsvo10 tag=10 -- rsvno10 10.78.0.11
 *  rsvna10b 10.78.0.13 --rsva10b (access 10)--+ RingSwitch --rsvtrk--  | OVS bridge rsvovs
 *  rsvna20  10.78.0.22 --rsva20  (access 20)--+   (trunk 10,20)        +-- rsvo20 tag=20 -- rsvno20 10.78.0.21
 * </pre>
 * All hosts share one subnet, so only the VLANs keep them apart. Needs root, Open vSwitch, tcpdump and ping.
 */
class VlanOvsEndToEndTest {

    private static final String TRUNK = "rsvtrk";
    private static final String BRIDGE = "rsvovs";
    private static final List<String> NAMESPACES = List.of("rsvna10a", "rsvna10b", "rsvna20", "rsvno10", "rsvno20");
    private static final List<String> LINKS = List.of("rsvtrk", "rsva10a", "rsva10b", "rsva20", "rsvo10", "rsvo20");

    @TempDir
    static Path work;

    private static Path peerScript;
    private static Path ovsDir;
    private static TestSwitch ringSwitch;
    private static VlanModule vlan;
    private static NetworkNamespace host10a;
    private static NetworkNamespace host10b;
    private static NetworkNamespace host20;

    @BeforeAll
    static void setUp() throws URISyntaxException {
        Privileges.requireRoot("the VLAN end-to-end test (TAPs, namespaces, Open vSwitch)");
        Privileges.requireCommands("openvswitch-switch tcpdump iputils-ping", "ovs-vswitchd", "tcpdump", "ping");
        cleanUp();
        peerScript = Path.of(VlanOvsEndToEndTest.class.getResource("/ovs-peer.sh").toURI());
        ovsDir = work.resolve("ovs");

        ringSwitch = TestSwitch.overTaps();
        vlan = new VlanModule(ringSwitch.ports());
        vlan.activate();
        ringSwitch.addModule(vlan);
        ringSwitch.admin().addPort(PortConfig.of(TRUNK).withVlan(VlanConfig.trunk(VlanSet.of(10, 20))));
        host10a = accessHost("rsva10a", 10, "rsvna10a", "10.78.0.12/24");
        host10b = accessHost("rsva10b", 10, "rsvna10b", "10.78.0.13/24");
        host20 = accessHost("rsva20", 20, "rsvna20", "10.78.0.22/24");

        peer("start", ovsDir.toString(), BRIDGE);
        peer("trunk", ovsDir.toString(), BRIDGE, TRUNK, "10,20");
        peer("access", ovsDir.toString(), BRIDGE, "rsvo10", "10", "rsvno10", "10.78.0.11/24");
        peer("access", ovsDir.toString(), BRIDGE, "rsvo20", "20", "rsvno20", "10.78.0.21/24");
    }

    /** A RingSwitch access port whose kernel side is the only interface of a host namespace. */
    private static NetworkNamespace accessHost(String tap, int vid, String ns, String cidr) {
        ringSwitch.admin().addPort(PortConfig.of(tap).withVlan(VlanConfig.access(vid)));
        NetworkNamespace host = NetworkNamespace.create(ns);
        host.adopt(tap, cidr);
        return host;
    }

    private static void peer(String... args) {
        String[] command = new String[args.length + 2];
        command[0] = "bash";
        command[1] = peerScript.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        NetworkNamespace.exec(true, command);
    }

    @AfterAll
    static void tearDown() {
        try {
            if (vlan != null) {
                vlan.deactivate();
            }
            if (ringSwitch != null) {
                ringSwitch.close();
            }
        } finally {
            if (ovsDir != null && Files.isDirectory(ovsDir)) {
                NetworkNamespace.exec(false, "bash", peerScript.toString(), "stop", ovsDir.toString());
            }
            cleanUp();
        }
    }

    /** Removes what this test creates, also what a killed earlier run left behind. */
    private static void cleanUp() {
        for (String ns : NAMESPACES) {
            NetworkNamespace.exec(false, "ip", "netns", "del", ns);
        }
        for (String link : LINKS) {
            NetworkNamespace.exec(false, "ip", "link", "del", link);
        }
        NetworkNamespace.exec(false, "ip", "tuntap", "del", "dev", BRIDGE, "mode", "tap");
    }

    @Test
    void shouldLetAccessPortsOfOneVlanTalkWhileTheOtherVlanSeesNothingNotEvenBroadcasts() {
        String mac10a = host10a.mac("rsva10a");
        String mac10b = host10b.mac("rsva10b");
        host10a.ip("neigh", "flush", "all");
        String seenBy10b;
        String seenBy20;
        try (PacketCapture on10b = PacketCapture.start(host10b, "rsva10b", work.resolve("a10b.pcap"));
             PacketCapture on20 = PacketCapture.start(host20, "rsva20", work.resolve("a20.pcap"))) {
            assertTrue(host10a.reaches("10.78.0.13"), "VLAN 10 access hosts must reach each other");
            // Broadcasts for the captures; hosts ignore broadcast echo requests by default, so the exit says nothing.
            host10a.run(false, "ping", "-b", "-c", "2", "-i", "0.2", "-W", "1", "10.78.0.255");
            assertFalse(host10a.reaches("10.78.0.22"), "a VLAN 10 host must not reach a VLAN 20 host");

            seenBy10b = on10b.stop();
            seenBy20 = on20.stop();
        }
        assertTrue(seenBy10b.contains(mac10a + " > ff:ff:ff:ff:ff:ff"), "control: 10b sees 10a's broadcasts:\n"
                + seenBy10b);
        assertFalse(seenBy20.contains(mac10a) || seenBy20.contains(mac10b) || seenBy20.contains("10.78.0.12")
                || seenBy20.contains("10.78.0.13"), "VLAN 20 saw VLAN 10 traffic:\n" + seenBy20);
        for (String line : seenBy10b.lines().toList()) {
            assertFalse(line.contains("802.1Q"), "access ports receive untagged frames only: " + line);
        }
    }

    @Test
    void shouldInteroperateWithAReal8021qPeerOverTheTrunk() {
        String seen;
        try (PacketCapture trunk = PacketCapture.start(TRUNK, work.resolve("trunk.pcap"))) {
            assertTrue(host10a.reaches("10.78.0.11"), "VLAN 10 host behind RingSwitch -> VLAN 10 host behind OVS");
            assertTrue(host20.reaches("10.78.0.21"), "VLAN 20 host behind RingSwitch -> VLAN 20 host behind OVS");
            assertFalse(host10a.reaches("10.78.0.21"), "VLAN 10 must not reach VLAN 20 across the trunk");
            assertFalse(host20.reaches("10.78.0.11"), "VLAN 20 must not reach VLAN 10 across the trunk");

            seen = trunk.stop();
        }
        assertTagged(seen, 10, "10.78.0.12 > 10.78.0.11: ICMP echo request");
        assertTagged(seen, 10, "10.78.0.11 > 10.78.0.12: ICMP echo reply");
        assertTagged(seen, 20, "10.78.0.22 > 10.78.0.21: ICMP echo request");
        assertTagged(seen, 20, "10.78.0.21 > 10.78.0.22: ICMP echo reply");
        for (String line : seen.lines().toList()) {
            boolean vlan10 = line.contains("vlan 10,");
            boolean vlan20 = line.contains("vlan 20,");
            if (line.contains("ethertype IPv4") || line.contains("ethertype ARP")) {
                assertTrue(vlan10 || vlan20, "every IPv4/ARP frame on the trunk is tagged 10 or 20: " + line);
            }
            if (vlan10) {
                assertFalse(Pattern.compile("10\\.78\\.0\\.2[12] >|tell 10\\.78\\.0\\.2|Reply 10\\.78\\.0\\.2")
                        .matcher(line).find(), "a VLAN 20 host's frame tagged 10: " + line);
            }
            if (vlan20) {
                assertFalse(Pattern.compile("10\\.78\\.0\\.1[123] >|tell 10\\.78\\.0\\.1|Reply 10\\.78\\.0\\.1")
                        .matcher(line).find(), "a VLAN 10 host's frame tagged 20: " + line);
            }
        }

        VlanInfo v10 = vlan.vlan(10).orElseThrow();
        assertEquals(List.of("rsva10a", "rsva10b"), v10.untaggedPorts());
        assertEquals(List.of(TRUNK), v10.taggedPorts());
        assertTrue(v10.frames() > 0);
    }

    private static void assertTagged(String capture, int vid, String what) {
        Pattern line = Pattern.compile("ethertype 802\\.1Q \\(0x8100\\).*: vlan " + vid
                + ", p [0-7], ethertype IPv4.*" + Pattern.quote(what));
        assertTrue(line.matcher(capture).find(), "no '" + what + "' tagged " + vid + " on the trunk:\n" + capture);
    }
}
