package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
import dev.ringswitch.itests.support.Metrics;
import dev.ringswitch.itests.support.RawHost;
import dev.ringswitch.itests.support.UdpStream;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A forwarding loop: two ports of the switch bridged together by a Linux bridge in a namespace, and a host that keeps
 * broadcasting into it. Without storm control every broadcast would circle at whatever rate the CPU allows and be
 * flooded to every port on every turn. With it ({@code stormControlPps}) each looped port sends at most its rate of
 * group frames; the rest are dropped as {@code storm} (and a circling copy that is dropped is gone), a unicast stream
 * between two other ports loses nothing, and the shell answers. Breaking the loop ends the storm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StormTest {

    private static final int LIMIT_PPS = 1000;
    private static final String LOOP_A = "rsr-t1";
    private static final String LOOP_B = "rsr-t2";
    private static final String H3 = "rsr-t3";
    private static final String H4 = "rsr-t4";
    private static final String TRIGGER = "rsr-t5";
    /** Broadcasts the trigger host sends, one a millisecond. */
    private static final int TRIGGER_FRAMES = 4000;

    private KarafInstance karaf;
    private int metricsPort;
    private NetworkNamespace loop;
    private final List<NetworkNamespace> hosts = new ArrayList<>();
    private RawHost trigger;

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("a forwarding loop through a namespace bridge");
        karaf = KarafInstance.prepare("storm");
        metricsPort = Metrics.usePrivatePort(karaf);
        Path cfg = karaf.home().resolve("etc/ringswitch.datapath.cfg");
        Files.writeString(cfg, Files.readString(cfg).replaceAll("(?m)^stormControlPps\\s*=.*$", "stormControlPps = "
                + LIMIT_PPS));
        karaf.start();
        for (String port : List.of(LOOP_A, LOOP_B, H3, H4, TRIGGER)) {
            CommandResult r = karaf.admin("ringswitch:port-add " + port);
            assertEquals(0, r.exitStatus(), r::toString);
        }
        NetworkNamespace h3 = NetworkNamespace.create("rsr-h3");
        NetworkNamespace h4 = NetworkNamespace.create("rsr-h4");
        hosts.add(h3);
        hosts.add(h4);
        for (NetworkNamespace h : hosts) {
            // Silent hosts: IPv6 would announce them with multicast, which enters the loop (see below).
            h.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        h3.adopt(H3, "10.79.1.3/24");
        h4.adopt(H4, "10.79.1.4/24");
        h3.run("ping", "-c", "1", "-W", "2", "10.79.1.4");
        // No ARP from here on: a broadcast of theirs that entered the loop would teach the switch (and the bridge)
        // that they live behind the loop, and their unicast would follow it. A loop poisons MAC learning for every
        // station it hears; storm control bounds the broadcasts, not that (see the README).
        h3.ip("neigh", "replace", "10.79.1.4", "lladdr", mac(h4, H4), "dev", H3, "nud", "permanent");
        h4.ip("neigh", "replace", "10.79.1.3", "lladdr", mac(h3, H3), "dev", H4, "nud", "permanent");
        trigger = RawHost.create("rsr-nt5", TRIGGER);
        loop = NetworkNamespace.create("rsr-loop");
        loop.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        loop.ip("link", "add", "br0", "type", "bridge", "stp_state", "0");
        for (String port : List.of(LOOP_A, LOOP_B)) {
            NetworkNamespace.exec(true, "ip", "link", "set", port, "netns", loop.name());
            loop.ip("link", "set", port, "master", "br0");
            loop.ip("link", "set", port, "up");
        }
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (loop != null) {
                loop.close();
            }
            if (trigger != null) {
                trigger.close();
            }
            hosts.forEach(NetworkNamespace::close);
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    void stormControlKeepsALoopFromTakingTheSwitchDown() throws Exception {
        UdpStream stream = UdpStream.start(hosts.get(0), hosts.get(1), "10.79.1.4", 9200, 1000);
        try {
            Metrics before = Metrics.scrape(metricsPort);
            long started = System.nanoTime();
            loop.ip("link", "set", "br0", "up");
            Process broadcasts = trigger.startRepeat("02:52:53:00:70:05", "ff:ff:ff:ff:ff:ff", TRIGGER_FRAMES, 1000);

            // Let the storm run until both looped ports have dropped a good share of it.
            Metrics delta = before;
            for (int i = 0; i < 100; i++) {
                delta = Metrics.scrape(metricsPort).since(before);
                if (storm(delta, LOOP_A) > 2 * LIMIT_PPS && storm(delta, LOOP_B) > 2 * LIMIT_PPS) {
                    break;
                }
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(storm(delta, LOOP_A) > 2 * LIMIT_PPS && storm(delta, LOOP_B) > 2 * LIMIT_PPS,
                    "the loop was not storm-controlled: " + delta.rxDrops(LOOP_A) + " " + delta.rxDrops(LOOP_B));
            // Each looped port floods at most its rate, plus 100 ms of burst, to the other ports; the trigger's own
            // broadcasts (1000 a second) come on top.
            long bound = (long) ((2 * LIMIT_PPS + 1000) * (seconds + 1)) + 500;
            assertTrue(delta.tx(H3) <= bound, "h3 got " + delta.tx(H3) + " frames in " + seconds + " s, more than "
                    + bound);
            CommandResult status = karaf.admin("ringswitch:status");
            assertEquals(0, status.exitStatus(), "the shell answers during the storm: " + status);

            loop.ip("link", "set", "br0", "down");
            RawHost.awaitSent(broadcasts);
            Metrics broken = Metrics.scrape(metricsPort);
            Thread.sleep(500);
            Metrics after = Metrics.scrape(metricsPort).since(broken);
            assertTrue(after.rx(LOOP_A) + after.rx(LOOP_B) < 200, "the storm goes on without the loop: "
                    + after.rx(LOOP_A) + " " + after.rx(LOOP_B));

            UdpStream.Result r = stream.stop();
            Metrics total = Metrics.scrape(metricsPort).since(before);
            StringBuilder counters = new StringBuilder();
            for (String port : List.of(LOOP_A, LOOP_B, H3, H4, TRIGGER)) {
                counters.append('\n').append(port).append(" rx ").append(total.rx(port)).append(" tx ")
                        .append(total.tx(port)).append(" rx drops ").append(total.rxDrops(port)).append(" tx drops ")
                        .append(total.txDrops(port));
            }
            assertEquals(0, r.lost(), "the unicast stream between two other ports lost datagrams: " + r + counters);
        } finally {
            stream.close();
        }
        assertTrue(Metrics.scrape(metricsPort).get("ringswitch_fdb_flaps_total") >= 1,
                "the looping source MAC was reported as flapping");
        LogAssertions.assertNoErrors(karaf);
    }

    private static String mac(NetworkNamespace ns, String ifName) {
        return ns.ip("-br", "link", "show", ifName).trim().split("\\s+")[2];
    }

    private static long storm(Metrics delta, String port) {
        return delta.rxDrops(port).getOrDefault("storm", 0L);
    }
}
