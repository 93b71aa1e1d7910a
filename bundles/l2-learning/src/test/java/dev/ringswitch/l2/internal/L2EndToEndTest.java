package dev.ringswitch.l2.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.datapath.internal.TestSwitch;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.PacketCapture;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on real TAPs: the tap bundle's ports, the datapath bundle's ring and this module, with three hosts
 * (network namespaces, the kernel's IP stack) on three ports of one subnet.
 *
 * <pre>
 *  rsl-h1 10.79.0.1 -- rsl1 --+
 *  rsl-h2 10.79.0.2 -- rsl2 --+ RingSwitch + l2-learning
 *  rsl-h3 10.79.0.3 -- rsl3 --+
 * </pre>
 * After the hosts have talked, unicast between h1 and h2 must not reach h3 (tcpdump on h3's side), and the table
 * must list each host's MAC on its port. Needs root, tcpdump and ping.
 */
class L2EndToEndTest {

    private static final List<String> PORTS = List.of("rsl1", "rsl2", "rsl3");
    private static final List<String> HOSTS = List.of("rsl-h1", "rsl-h2", "rsl-h3");
    private static final List<String> ADDRESSES = List.of("10.79.0.1", "10.79.0.2", "10.79.0.3");

    @TempDir
    Path work;

    private TestSwitch ringSwitch;
    private L2LearningModule l2;
    private final List<NetworkNamespace> hosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Privileges.requireRoot("the L2 learning end-to-end test (TAPs, namespaces)");
        Privileges.requireCommands("tcpdump iputils-ping", "tcpdump", "ping");
        removeLeftovers();
        ringSwitch = TestSwitch.overTaps();
        l2 = new L2LearningModule(ringSwitch.ports());
        l2.activate(Configs.defaults());
        ringSwitch.addModule(l2);
        for (int i = 0; i < PORTS.size(); i++) {
            ringSwitch.admin().addPort(PortConfig.of(PORTS.get(i)));
            NetworkNamespace host = NetworkNamespace.create(HOSTS.get(i));
            hosts.add(host);
            host.adopt(PORTS.get(i), ADDRESSES.get(i) + "/24");
        }
    }

    @AfterEach
    void tearDown() {
        try {
            if (l2 != null) {
                l2.deactivate();
            }
            if (ringSwitch != null) {
                ringSwitch.close();
            }
        } finally {
            hosts.forEach(NetworkNamespace::close);
            removeLeftovers();
        }
    }

    /** Removes what this test creates, also what a killed earlier run left behind. */
    private static void removeLeftovers() {
        HOSTS.forEach(ns -> NetworkNamespace.exec(false, "ip", "netns", "delete", ns));
        PORTS.forEach(port -> NetworkNamespace.exec(false, "ip", "link", "delete", port));
    }

    @Test
    void shouldKeepUnicastBetweenTwoHostsAwayFromTheThirdAndListEveryHostInTheTable() {
        NetworkNamespace h1 = hosts.get(0);
        NetworkNamespace h2 = hosts.get(1);
        NetworkNamespace h3 = hosts.get(2);
        String mac1 = mac(h1, "rsl1");
        String mac2 = mac(h2, "rsl2");
        String mac3 = mac(h3, "rsl3");

        // The hosts introduce themselves: ARP requests are flooded, replies and pings are unicast.
        h1.ping(ADDRESSES.get(1));
        h3.ping(ADDRESSES.get(0));

        PacketCapture onH3 = PacketCapture.startInbound(h3, "rsl3", work.resolve("h3.pcap"));
        String seen;
        try {
            h1.ping(ADDRESSES.get(1));
            h2.ping(ADDRESSES.get(0));
            // Control: the capture does see what is meant for h3.
            h1.ping(ADDRESSES.get(2));
        } finally {
            seen = onH3.stop();
        }

        assertTrue(seen.contains(ADDRESSES.get(0) + " > " + ADDRESSES.get(2) + ": ICMP echo request"),
                "control: h3 sees its own pings:\n" + seen);
        for (String line : seen.lines().toList()) {
            assertFalse(line.contains("> " + mac1 + ",") || line.contains("> " + mac2 + ","),
                    "h3 received a frame addressed to h1 or h2: " + line);
            assertFalse(line.contains(ADDRESSES.get(0) + " > " + ADDRESSES.get(1))
                    || line.contains(ADDRESSES.get(1) + " > " + ADDRESSES.get(0)), "h3 saw h1<->h2 unicast: " + line);
        }

        List<FdbEntry> table = l2.entries();
        Set<String> rows = table.stream().map(e -> e.mac() + " " + e.vlan() + " " + e.port() + " " + e.isStatic())
                .collect(Collectors.toSet());
        assertEquals(Set.of(mac1 + " 0 rsl1 false", mac2 + " 0 rsl2 false", mac3 + " 0 rsl3 false"), rows,
                "the table lists each host on its port:\n" + table);
        for (FdbEntry entry : table) {
            assertTrue(entry.ageSeconds() >= 0 && entry.ageSeconds() < 60, "age of a host that just talked: "
                    + entry);
        }
        assertEquals(3, l2.stats().entries());
    }

    /** The host's MAC in the form the table prints. */
    private static String mac(NetworkNamespace ns, String iface) {
        return MacAddress.parse(ns.mac(iface)).toString();
    }
}
