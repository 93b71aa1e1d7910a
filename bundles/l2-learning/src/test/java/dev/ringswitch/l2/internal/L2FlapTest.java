package dev.ringswitch.l2.internal;

import dev.ringswitch.api.fdb.FlapReport;
import dev.ringswitch.api.fdb.FlappingStation;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.l2.internal.support.Datapath;
import dev.ringswitch.l2.internal.support.FakeClock;
import dev.ringswitch.l2.internal.support.TestPorts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAC flapping: a station moving between ports more than {@code flapMoves} times within {@code flapWindowSeconds} is
 * detected once per window, named in a rate-limited log line and in {@link L2LearningModule#flaps()}, while
 * forwarding and the other stations carry on as before.
 */
class L2FlapTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long X = 0x0200_0000_00EEL;
    private static final String FLAPPER = "02:00:00:00:00:ee";
    private static final String H1 = "02:00:00:00:00:01";
    private static final String H2 = "02:00:00:00:00:02";

    private final MacTable table = new MacTable(MacTable.MIN_MAX_ENTRIES, 300);

    private FakeClock clock;
    private L2LearningModule module;
    private Datapath datapath;
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new FakeClock();
        module = new L2LearningModule(TestPorts.taps(3), clock);
        module.activate(Configs.of(Map.of("flapMoves", 10, "flapWindowSeconds", 5)));
        module.flapLog(logged::add);
        datapath = new Datapath(module, 1, 2, 3);
    }

    @Test
    void table_movesBelowTheThreshold_areNoFlap() {
        table.setFlapDetection(10, 5);
        table.learn(0, X, 1, 0);
        for (int i = 1; i <= 9; i++) {
            table.learn(0, X, 1 + i % 2, i * SECOND / 10);
        }
        assertEquals(9, table.moved());
        assertEquals(0, table.flaps());
        assertNull(table.lastFlap());
        assertEquals(List.of(), table.flapping(SECOND));
    }

    @Test
    void table_tenthMoveInTheWindow_isOneFlapPerWindow() {
        table.setFlapDetection(10, 5);
        table.learn(0, X, 1, 0);
        for (int i = 1; i <= 50; i++) {
            table.learn(0, X, 1 + i % 2, i * SECOND / 20);
        }
        assertEquals(1, table.flaps(), "50 moves in 2.5 s are one flap of a 5 s window");
        MacTable.Flap flap = table.lastFlap();
        assertEquals(X, MacTable.macOf(flap.key()));
        assertEquals(10, flap.moves());
        assertEquals(List.of(1, 2), List.of(Math.min(flap.port(), flap.from()), Math.max(flap.port(), flap.from())));
        assertEquals(1, table.flapping(3 * SECOND).size(), "still flapping while its window is open");

        // The window closes; the station keeps flapping: a second flap.
        long later = 10 * SECOND;
        for (int i = 0; i < 10; i++) {
            table.learn(0, X, 2 - i % 2, later + i * SECOND / 100);
        }
        assertEquals(2, table.flaps());
        assertEquals(List.of(), table.flapping(later + 6 * SECOND), "its window closed");
        assertEquals(null, table.checkInvariants());
    }

    @Test
    void table_slowMoves_neverFlap() {
        table.setFlapDetection(10, 5);
        table.learn(0, X, 1, 0);
        for (int i = 1; i <= 100; i++) {
            table.learn(0, X, 1 + i % 2, i * SECOND);
        }
        assertEquals(100, table.moved());
        assertEquals(0, table.flaps(), "one move a second is under 10 moves in 5 s");
    }

    @Test
    void table_flapSettings_areChecked() {
        assertThrows(IllegalArgumentException.class, () -> table.setFlapDetection(1, 5));
        assertThrows(IllegalArgumentException.class, () -> table.setFlapDetection(10, 0));
        assertThrows(IllegalArgumentException.class, () -> table.setFlapDetection(10, 3601));
    }

    @Test
    void module_flappingStation_isNamedOnceAndLegitimateHostsKeepTalking() {
        datapath.send(1, H1, "ff:ff:ff:ff:ff:ff");
        datapath.send(2, H2, "ff:ff:ff:ff:ff:ff");
        for (int i = 0; i < 200; i++) {
            Frame flap = datapath.frame(1 + i % 2, FLAPPER, "ff:ff:ff:ff:ff:ff");
            Frame legit = datapath.frame(1, H1, H2);
            datapath.batch(flap, legit);
            assertEquals(List.of(2), ports(legit), "h1 -> h2 stays unicast to h2's port");
            clock.advanceMillis(1);
        }
        assertEquals(1, logged.size(), () -> "one line for one flap: " + logged);
        assertEquals("MAC 02:00:00:00:00:ee in VLAN 0 is flapping between ports tap2 and tap1: 10 moves within 5 s;"
                + " look for a loop or a duplicate address", logged.getFirst());
        FlapReport report = module.flaps();
        assertEquals(1, report.detected());
        assertEquals(10, report.moveThreshold());
        assertEquals(5, report.windowSeconds());
        assertEquals(List.of(new FlappingStation(MacAddress.parse(FLAPPER), 0, "tap2", "tap1", 199)),
                report.stations());
        assertEquals(2, module.entries().stream().filter(e -> !e.mac().toString().equals(FLAPPER)).count());

        clock.advanceSeconds(6);
        assertEquals(List.of(), module.flaps().stations(), "the window closed and the station stopped");
        assertEquals(1, module.flaps().detected());
    }

    @Test
    void module_manyFlappingStations_areLoggedAtMostOnceASecond() {
        // 50 stations flap within the same second: one line; the next line names one more and counts the other 48.
        for (int s = 0; s < 50; s++) {
            String mac = Datapath.mac(0x0200_0000_1000L + s);
            for (int i = 0; i < 10; i++) {
                datapath.send(1 + i % 2, mac, H1);
            }
            datapath.send(3, mac, H1);
        }
        assertEquals(1, logged.size(), () -> "lines within one second: " + logged);
        clock.advanceSeconds(1);
        datapath.send(3, H2, H1);
        assertEquals(2, logged.size(), () -> "the pending flaps are reported on the next batch: " + logged);
        assertTrue(logged.get(1).endsWith("(48 more flaps since the last report)"), logged.get(1));
        assertEquals(50, module.flaps().detected());
        assertEquals(50, module.flaps().stations().size());
    }

    @Test
    void module_reconfiguration_keepsTheCountAndAppliesTheNewThreshold() {
        for (int i = 0; i < 10; i++) {
            datapath.send(1 + i % 2, FLAPPER, H1);
        }
        assertEquals(0, module.flaps().detected(), "9 moves");
        module.modified(Configs.of(Map.of("flapMoves", 3, "flapWindowSeconds", 5)));
        datapath.send(1, FLAPPER, H1);
        assertEquals(1, module.flaps().detected(), "the next move of a station already past the new threshold");
        assertEquals(3, module.flaps().moveThreshold());
    }

    private static List<Integer> ports(Frame frame) {
        List<Integer> out = new ArrayList<>();
        for (int p = frame.egress().next(0); p >= 0; p = frame.egress().next(p + 1)) {
            out.add(p);
        }
        return out;
    }
}
