package dev.ringswitch.l2.internal;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.ringswitch.l2.internal.MacTable.NIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MAC table on its own: learning, aging, fair eviction, moves, static entries, flushes, and a differential
 * check of the hash index against a plain map.
 */
class MacTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long A = 0x0200_0000_000AL;
    private static final long B = 0x0200_0000_000BL;
    private static final long C = 0x0200_0000_000CL;

    private final MacTable table = new MacTable(MacTable.MIN_MAX_ENTRIES, 300);

    @Test
    void learn_newStation_isFoundInItsVlanOnly() {
        table.learn(10, A, 1, 0);
        assertEquals(1, table.lookup(10, A));
        assertEquals(NIL, table.lookup(20, A));
        assertEquals(NIL, table.lookup(10, B));
        assertEquals(1, table.learned());
        assertConsistent();
    }

    @Test
    void learn_invalidPortNumber_isIgnored() {
        table.learn(0, A, -1, 0);
        table.learn(0, A, 256, 0);
        assertEquals(0, table.size());
    }

    @Test
    void expire_idleForAgingTime_removesAndCounts() {
        table.learn(0, A, 1, 0);
        table.learn(0, B, 2, 100 * SECOND);
        assertEquals(0, table.expire(299 * SECOND));
        assertEquals(1, table.expire(300 * SECOND));
        assertEquals(NIL, table.lookup(0, A));
        assertEquals(2, table.lookup(0, B));
        assertEquals(1, table.expire(400 * SECOND));
        assertEquals(2, table.expired());
        assertEquals(0, table.size());
        assertConsistent();
    }

    @Test
    void learn_refreshedStation_doesNotAge() {
        table.learn(0, A, 1, 0);
        table.learn(0, A, 1, 250 * SECOND);
        assertEquals(0, table.expire(400 * SECOND));
        assertEquals(1, table.lookup(0, A));
        assertEquals(1, table.expire(550 * SECOND));
        assertEquals(1, table.learned(), "a refresh is not a new station");
    }

    @Test
    void learn_withinRefreshResolution_keepsLruOrderSorted() {
        table.learn(0, A, 1, 0);
        table.learn(0, B, 1, SECOND / 2);
        table.learn(0, A, 1, SECOND / 2 + 1);
        assertConsistent();
        // A was not refreshed (seen less than a second ago), so it still expires first.
        table.expire(300 * SECOND);
        assertEquals(NIL, table.lookup(0, A));
        assertEquals(1, table.lookup(0, B));
    }

    @Test
    void setAgingSeconds_appliesAtNextSweep() {
        table.learn(0, A, 1, 0);
        table.setAgingSeconds(60);
        assertEquals(1, table.expire(60 * SECOND));
        assertThrows(IllegalArgumentException.class, () -> table.setAgingSeconds(5));
    }

    @Test
    void learn_knownStationOnOtherPort_movesAndCounts() {
        table.learn(0, A, 1, 0);
        table.learn(0, A, 2, SECOND / 10);
        assertEquals(2, table.lookup(0, A));
        assertEquals(1, table.moved());
        assertEquals(1, table.learned());
        assertEquals(0, table.learnedOn(1));
        assertEquals(1, table.learnedOn(2));
        assertConsistent();
    }

    @Test
    void learn_fullTable_evictsOldestEntryOfTheLargestPort() {
        // Port 1 holds 10 entries, port 2 holds 6: the table (16) is full.
        for (int i = 0; i < 10; i++) {
            table.learn(0, 0x0200_0000_0100L + i, 1, i * SECOND);
        }
        for (int i = 0; i < 6; i++) {
            table.learn(0, 0x0200_0000_0200L + i, 2, i * SECOND);
        }
        // Refresh port 1's first entry, so its second is now its least recently used.
        table.learn(0, 0x0200_0000_0100L, 1, 20 * SECOND);

        table.learn(0, C, 3, 21 * SECOND);

        assertEquals(1, table.evicted());
        assertEquals(16, table.size());
        assertEquals(3, table.lookup(0, C));
        assertEquals(1, table.lookup(0, 0x0200_0000_0100L), "refreshed entry stays");
        assertEquals(NIL, table.lookup(0, 0x0200_0000_0101L), "largest port's LRU entry goes");
        assertEquals(6, table.learnedOn(2), "the smaller port keeps all its entries, even its older ones");
        assertConsistent();
    }

    @Test
    void learn_floodFromOnePort_neverEvictsOtherPorts() {
        table.learn(0, A, 1, 0);
        table.learn(0, B, 2, 0);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            table.learn(0, random.nextLong() & 0xFEFF_FFFF_FFFFL, 3, i);
        }
        assertEquals(1, table.lookup(0, A));
        assertEquals(2, table.lookup(0, B));
        assertEquals(14, table.learnedOn(3));
        assertEquals(16, table.learnedCount());
        assertConsistent();
    }

    @Test
    void addStatic_neverAgesNorEvictsNorMoves() {
        table.addStatic(0, A, 5);
        table.learn(0, A, 1, 0);
        assertEquals(5, table.lookup(0, A), "traffic does not move a static entry");
        for (int i = 0; i < 100; i++) {
            table.learn(0, 0x0200_0000_1000L + i, 1, i);
        }
        table.expire(10_000 * SECOND);
        assertEquals(5, table.lookup(0, A));
        assertEquals(1, table.staticCount());
        assertEquals(0, table.moved());
        assertEquals(0, table.flushLearned());
        assertEquals(0, table.flushPort(5, false));
        assertEquals(5, table.lookup(0, A));
        assertConsistent();
    }

    @Test
    void addStatic_overLearnedEntry_replacesIt() {
        table.learn(0, A, 1, 0);
        table.addStatic(0, A, 2);
        assertEquals(2, table.lookup(0, A));
        assertEquals(0, table.learnedCount());
        assertEquals(1, table.staticCount());
        table.addStatic(0, A, 3);
        assertEquals(3, table.lookup(0, A));
        assertTrue(table.removeStatic(0, A));
        assertFalse(table.removeStatic(0, A));
        assertEquals(0, table.size());
        assertConsistent();
    }

    @Test
    void addStatic_beyondLimit_isRefused() {
        for (int i = 0; i < MacTable.MAX_STATIC_ENTRIES; i++) {
            table.addStatic(1, 0x0200_0000_0000L + i, 1);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> table.addStatic(1, A << 8, 1));
        assertEquals("static entry limit of 1024 reached: remove a static entry first", e.getMessage());
        // The learned part is unaffected.
        for (int i = 0; i < 16; i++) {
            table.learn(2, 0x0400_0000_0000L + i, 2, 0);
        }
        assertEquals(16, table.learnedCount());
        assertConsistent();
    }

    private void assertConsistent() {
        assertNull(table.checkInvariants());
    }

    @Test
    void flushVlanPortAndAll() {
        table.learn(10, A, 1, 0);
        table.learn(10, B, 2, 0);
        table.learn(20, A, 1, 0);
        table.learn(20, C, 2, 0);
        table.addStatic(10, C, 1);

        assertEquals(2, table.flushVlan(20));
        assertEquals(NIL, table.lookup(20, A));
        assertEquals(1, table.lookup(10, A));
        assertEquals(1, table.flushPort(2, false));
        assertEquals(NIL, table.lookup(10, B));
        assertEquals(1, table.flushLearned());
        assertEquals(1, table.lookup(10, C), "static entries survive flushes");
        assertEquals(1, table.flushPort(1, true), "a removed port takes its static entries");
        assertEquals(0, table.size());
        assertConsistent();
    }

    @Test
    void resized_keepsStaticAndMostRecentEntriesAndCounters() {
        for (int i = 0; i < 16; i++) {
            table.learn(0, 0x0200_0000_0100L + i, 1 + i % 2, i * SECOND);
        }
        table.addStatic(0, A, 3);
        MacTable bigger = MacTable.resized(table, 32, 300);
        assertEquals(17, bigger.size());
        assertEquals(16, bigger.learned());
        MacTable smaller = MacTable.resized(bigger, 16, 300);
        assertEquals(17, smaller.size());

        MacTable wide = new MacTable(64, 300);
        for (int i = 0; i < 40; i++) {
            wide.learn(0, 0x0200_0000_0100L + i, 1, i * SECOND);
        }
        MacTable tiny = MacTable.resized(wide, 16, 300);
        assertEquals(16, tiny.learnedCount());
        assertEquals(24, tiny.evicted());
        assertEquals(NIL, tiny.lookup(0, 0x0200_0000_0100L + 23), "oldest entries go first");
        assertEquals(1, tiny.lookup(0, 0x0200_0000_0100L + 24));
        assertNull(tiny.checkInvariants());
    }

    @Test
    void churn_matchesAReferenceMap() {
        // No eviction (3600 keys < 4096), so the expected content is exact; static removal and port flushes delete.
        MacTable big = new MacTable(4096, 300);
        Map<Long, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int step = 0; step < 200_000; step++) {
            // Few distinct keys, so that clusters form and deletions shift them.
            int index = random.nextInt(1200);
            long mac = 0x0200_0000_0000L + index;
            int vlan = random.nextInt(3);
            long key = (long) vlan << 48 | mac;
            int op = random.nextInt(10);
            if (op < 6) {
                int port = random.nextInt(8);
                big.learn(vlan, mac, port, step);
                Integer known = expected.get(key);
                if (known == null || known >= 0) {
                    expected.put(key, port);
                }
            } else if (op < 8 && index < 300) {
                big.addStatic(vlan, mac, 8);
                expected.put(key, -8);
            } else if (op < 9 && index < 300) {
                assertEquals(expected.get(key) != null && expected.get(key) < 0, big.removeStatic(vlan, mac));
                if (expected.get(key) != null && expected.get(key) < 0) {
                    expected.remove(key);
                }
            } else if (random.nextInt(100) == 0) {
                int port = random.nextInt(8);
                big.flushPort(port, false);
                expected.values().removeIf(p -> p == port);
            }
            if (step % 20_000 == 0) {
                assertNull(big.checkInvariants(), "at step " + step);
            }
        }
        for (long vlan = 0; vlan < 3; vlan++) {
            for (int i = 0; i < 1200; i++) {
                long key = vlan << 48 | (0x0200_0000_0000L + i);
                Integer port = expected.get(key);
                int want = port == null ? NIL : Math.abs(port);
                assertEquals(want, big.lookup((int) vlan, 0x0200_0000_0000L + i));
            }
        }
        assertEquals(expected.size(), big.size());
        assertNull(big.checkInvariants());
    }
}
