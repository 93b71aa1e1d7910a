package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
import dev.ringswitch.itests.support.Metrics;
import dev.ringswitch.itests.support.RawHost;
import dev.ringswitch.itests.support.RawHosts;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAC table abuse on real TAP ports: a port flooding random source MACs, and one station address flapping between
 * two ports, while two legitimate hosts keep talking. The table stays at its limit and evicts the flooding port's
 * entries first (fair eviction), the legitimate conversation stays unicast and complete, and the flapping address is
 * named in a rate-limited log line and counted in the metrics.
 *
 * <p>Ports {@code rsr-m1} (host H1) and {@code rsr-m2} (host H2) carry the conversation; {@code rsr-m3} and
 * {@code rsr-m4} are the attacker's. The MAC table is limited to {@value #MAX_ENTRIES} learned entries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MacAbuseTest {

    private static final List<String> PORTS = List.of("rsr-m1", "rsr-m2", "rsr-m3", "rsr-m4");
    private static final int MAX_ENTRIES = 64;
    private static final String H1 = "02:52:53:00:01:01";
    private static final String H2 = "02:52:53:00:01:02";
    private static final String FLAPPER = "02:52:53:ee:ee:ee";
    private static final String UNKNOWN = "02:52:53:ff:ff:01";

    private KarafInstance karaf;
    private int metricsPort;
    private final RawHosts hosts = new RawHosts();

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("MAC table abuse on TAP ports in network namespaces");
        karaf = KarafInstance.prepare("macabuse");
        metricsPort = Metrics.usePrivatePort(karaf);
        Path l2 = karaf.home().resolve("etc/ringswitch.l2.cfg");
        Files.writeString(l2, Files.readString(l2).replaceAll("(?m)^maxEntries\\s*=.*$", "maxEntries = "
                + MAX_ENTRIES));
        karaf.start();
        for (String port : PORTS) {
            CommandResult r = karaf.admin("ringswitch:port-add " + port);
            assertEquals(0, r.exitStatus(), r::toString);
            hosts.attach(port);
        }
        // H1 and H2 introduce themselves; from now on frames between them are unicast.
        RawHost.awaitSent(hosts.get("rsr-m1").startRepeat(H1, UNKNOWN, 1, 0));
        RawHost.awaitSent(hosts.get("rsr-m2").startRepeat(H2, UNKNOWN, 1, 0));
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            hosts.close();
        } finally {
            if (karaf != null) {
                karaf.close();
            }
        }
    }

    @Test
    void aFloodOfRandomSourcesEvictsOnlyTheFloodersEntriesAndTheHostsKeepTalking() throws Exception {
        RawHost.Capture atH2 = hosts.get("rsr-m2").countFrom(H1, 3, 60);
        RawHost.Capture atAttacker = hosts.get("rsr-m4").countFrom(H1, 3, 60);
        Metrics before = Metrics.scrape(metricsPort);
        Process talk = hosts.get("rsr-m1").startRepeat(H1, H2, 3000, 500);
        Process flood = hosts.get("rsr-m3").startSources(20_000, 11, UNKNOWN, 20);
        int flooded = RawHost.awaitSent(flood);
        int talked = RawHost.awaitSent(talk);

        assertEquals(talked, atH2.count(), "H1's frames to H2 lost during the flood");
        assertEquals(0, atAttacker.count(), "H1's frames to H2 were flooded to the attacker: H2 was evicted");
        Metrics after = Metrics.scrape(metricsPort);
        Metrics delta = after.since(before);
        long entries = after.samples().entrySet().stream().filter(e -> e.getKey().startsWith("ringswitch_fdb_entries"))
                .mapToLong(e -> Math.round(e.getValue())).sum();
        assertTrue(entries <= MAX_ENTRIES, "the table grew past its limit: " + entries);
        assertTrue(delta.get("ringswitch_fdb_evicted_total") >= flooded - MAX_ENTRIES,
                "evictions: " + delta.get("ringswitch_fdb_evicted_total") + " for " + flooded + " new sources");
        String fdb = karaf.admin("ringswitch:fdb").out();
        assertTrue(fdb.lines().anyMatch(l -> l.contains(H1) && l.contains("rsr-m1")), fdb);
        assertTrue(fdb.lines().anyMatch(l -> l.contains(H2) && l.contains("rsr-m2")), fdb);
        LogAssertions.assertNoErrors(karaf);
    }

    @Test
    void aFlappingAddressIsNamedAtMostOnceASecondAndTheHostsKeepTalking() throws Exception {
        int logStart = karaf.karafLog().length();
        long started = System.nanoTime();
        RawHost.Capture atH2 = hosts.get("rsr-m2").countFrom(H1, 3, 60);
        Metrics before = Metrics.scrape(metricsPort);
        Process talk = hosts.get("rsr-m1").startRepeat(H1, H2, 2000, 1000);
        Process flapA = hosts.get("rsr-m3").startRepeat(FLAPPER, UNKNOWN, 2000, 1000);
        Process flapB = hosts.get("rsr-m4").startRepeat(FLAPPER, UNKNOWN, 2000, 1000);
        RawHost.awaitSent(flapA);
        RawHost.awaitSent(flapB);
        int talked = RawHost.awaitSent(talk);
        Metrics delta = Metrics.scrape(metricsPort).since(before);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertEquals(talked, atH2.count(), "H1's frames to H2 lost while an address flapped");
        assertTrue(delta.get("ringswitch_fdb_moves_total") > 100, "moves: " + delta.get("ringswitch_fdb_moves_total"));
        assertTrue(delta.get("ringswitch_fdb_flaps_total") >= 1, "no flap detected");
        assertTrue(Metrics.scrape(metricsPort).get("ringswitch_fdb_flapping_stations") >= 1,
                "the station is flapping now");
        List<String> lines = LogAssertions.linesSince(karaf, logStart).stream()
                .filter(l -> l.contains("is flapping")).toList();
        assertTrue(!lines.isEmpty() && lines.size() <= seconds + 1, "flap lines in " + seconds + " s: " + lines);
        assertTrue(lines.getFirst().contains("MAC " + FLAPPER + " in VLAN 0 is flapping between ports rsr-m"),
                lines.getFirst());
        assertTrue(lines.getFirst().contains("rsr-m3") && lines.getFirst().contains("rsr-m4"), lines.getFirst());
        LogAssertions.assertNoErrors(karaf);
    }
}
