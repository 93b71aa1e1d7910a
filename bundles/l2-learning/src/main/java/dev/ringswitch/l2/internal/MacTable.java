package dev.ringswitch.l2.internal;

import dev.ringswitch.api.module.PortSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MAC learning table
 * ==================
 *
 * <p>Maps a (VLAN, MAC address) pair to the switch port on which a frame from that address was last seen, so that
 * a frame <em>to</em> the address can leave through that one port instead of being flooded. The idea and the
 * eviction policy follow Open vSwitch's {@code lib/mac-learning.h}; the code is our own and is shaped for a single
 * writer that must not allocate.
 *
 * <h2>Representation</h2>
 * Every entry lives in a pool of parallel primitive arrays, allocated once in the constructor and never grown: the
 * key ({@code vlan << 48 | mac}), the port, the time it was last refreshed and its kind (free, learned, static).
 * Links between entries are {@code int} indexes into the pool, {@link #NIL} for none. Learning, refreshing,
 * expiring and evicting only rewrite array cells, so the datapath never allocates and the garbage collector never
 * sees the table change. The pool holds {@code maxLearned + MAX_STATIC_ENTRIES} entries, so a free entry always
 * exists once the learned part has made room.
 *
 * <h2>Complications, and why each exists</h2>
 * <ol>
 *   <li><b>Hashing.</b> The (VLAN, MAC) index is open addressing with linear probing over two arrays (slot key,
 *       slot entry), at a load factor of at most one half. Deletion shifts the following cluster back instead of
 *       leaving tombstones, so a table that churns forever (a MAC flood) never degrades. The hash is seeded with a
 *       per-table random secret, as OVS does, so that an attacker who controls source MACs cannot aim them all at
 *       one probe chain.</li>
 *   <li><b>Aging.</b> Learned entries sit on one global list from least to most recently used. Refreshing an entry
 *       moves it to the MRU end, so the list stays sorted by last-seen time, and {@link #expire} only has to look at
 *       the LRU end: it removes entries until it meets one that is young enough. One comparison when nothing
 *       expires, no per-entry timers.</li>
 *   <li><b>Cheap refresh.</b> A frame from a known station on its known port changes nothing except the last-seen
 *       time, and that only matters to a resolution of {@link #REFRESH_NANOS}. So {@link #learn} first checks
 *       whether anything would change and returns after one lookup in the common case (OVS's
 *       {@code is_mac_learning_update_needed}); only a new station, a move, or a refresh older than one second
 *       touches the lists. Keep the checks in {@link #learn} in this order: static, same port and fresh, move.</li>
 *   <li><b>Fair eviction.</b> The number of learned entries is capped by {@code maxLearned} so that memory is
 *       bounded. When a new station arrives at a full table, the table evicts the least recently used entry of the
 *       port that currently holds the most learned entries (ties broken arbitrarily). Each port therefore keeps
 *       its fair share: a port flooding random source MACs only ever pushes out its own entries, and the stations
 *       on the other ports stay known, so their traffic is not flooded where the attacker could sniff it. This
 *       needs a per-port LRU list (a second pair of links per entry), per-port counts, and an indexed max-heap of
 *       ports by count ({@link PortSet#CAPACITY} ports at most, so at most eight levels).</li>
 *   <li><b>Station moves.</b> A known station seen on another port is relearned there: it moves from the old
 *       port's list and count to the new one's, and {@link #moved()} counts it. Nothing is evicted for a move.</li>
 *   <li><b>Flapping.</b> One move is a station that moved (a migrated VM, a re-plugged laptop); many moves in a short
 *       time are a loop or two stations sharing an address, and the operator must hear about it by name. Each entry
 *       counts its moves in a window that opens with its first move and lasts {@code flapWindow}; the move that
 *       reaches {@code flapMoves} within the window is a flap: {@link #flaps()} counts it once per window and the
 *       table remembers it as the {@linkplain #lastFlap() last flap} for the owner to log. Only the move path pays
 *       for this (two array cells); a station that never moves costs nothing. The station keeps being relearned on
 *       every move, as before: detecting a flap does not change forwarding.</li>
 *   <li><b>Static entries.</b> The operator can pin a station to a port. A static entry is in the hash index (so
 *       forwarding finds it) but on no LRU list and in no port count: it never ages, is never evicted, is not moved
 *       by traffic, and does not count against {@code maxLearned}. Its own cap is {@link #MAX_STATIC_ENTRIES}.</li>
 * </ol>
 *
 * <h2>Thread safety</h2>
 * None inside: this class is a plain single-threaded structure. Its owner ({@link L2LearningModule}) calls every
 * method with its table lock held: the datapath thread holds the lock for a whole batch of frames (one lock and
 * unlock per batch, none per frame), and control threads (shell, metrics, port events) take it briefly to read a
 * snapshot or apply a flush. No caller ever sees a half-updated table, and reads stay correct when no traffic
 * flows because a reader runs {@link #expire} itself before reading.
 *
 * <h2>Time</h2>
 * Times are {@code long} nanoseconds from a monotonic clock supplied by the caller ({@link System#nanoTime()} in
 * production, a fake clock in tests). The table clamps time so that it never runs backwards, which keeps the LRU
 * list sorted even if callers read the clock in a slightly different order.
 */
final class MacTable {

    /** Default cap on learned entries, as in Open vSwitch's {@code mac-table-size} (entries). */
    static final int DEFAULT_MAX_ENTRIES = 8192;
    /** Smallest accepted cap on learned entries (entries). */
    static final int MIN_MAX_ENTRIES = 16;
    /** Largest accepted cap on learned entries (entries); about 60 MB of preallocated arrays. */
    static final int MAX_MAX_ENTRIES = 1_000_000;
    /** Default idle time before a learned entry expires, as in Open vSwitch (seconds). */
    static final int DEFAULT_AGING_SECONDS = 300;
    /** Shortest accepted aging time (seconds); shorter times would flood more than they save. */
    static final int MIN_AGING_SECONDS = 10;
    /** Longest accepted aging time (seconds): one day. */
    static final int MAX_AGING_SECONDS = 86_400;
    /** Cap on static entries, separate from the learned cap (entries). */
    static final int MAX_STATIC_ENTRIES = 1024;
    /** A fresh entry is not refreshed again within this time (nanoseconds): the aging resolution. */
    static final long REFRESH_NANOS = 1_000_000_000L;
    /** Default moves within the flap window that make a station flapping (moves). */
    static final int DEFAULT_FLAP_MOVES = 10;
    /** Fewest moves accepted as a flap threshold: one move alone is a station that moved. */
    static final int MIN_FLAP_MOVES = 2;
    /** Most moves accepted as a flap threshold. */
    static final int MAX_FLAP_MOVES = 1_000_000;
    /** Default length of a station's flap window (seconds). */
    static final int DEFAULT_FLAP_WINDOW_SECONDS = 10;
    /** Shortest accepted flap window (seconds). */
    static final int MIN_FLAP_WINDOW_SECONDS = 1;
    /** Longest accepted flap window (seconds): one hour. */
    static final int MAX_FLAP_WINDOW_SECONDS = 3600;
    /** Highest VLAN number a key can hold (12 bits). */
    static final int MAX_VLAN = 4095;
    /** "No entry" / "no port" in links and results. */
    static final int NIL = -1;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int VLAN_SHIFT = 48;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    private static final byte FREE = 0;
    private static final byte LEARNED = 1;
    private static final byte STATIC = 2;
    private static final int PORTS = PortSet.CAPACITY;

    private final int maxLearned;
    private final long seed;

    // The entry pool, indexed by entry number.
    private final long[] keys;
    private final int[] ports;
    private final long[] seen;
    private final byte[] kinds;
    /** When the entry's current flap window opened (its first move in the window), nanoseconds. */
    private final long[] moveStart;
    /** Moves of the entry in its current flap window. */
    private final int[] moves;
    /** Whether the entry's current flap window has been counted as a flap. */
    private final boolean[] flapped;
    /** The port the entry was on before its last move. */
    private final int[] movedFrom;
    private final int[] lruPrev;
    private final int[] lruNext;
    private final int[] portPrev;
    private final int[] portNext;

    // Hash index: slot -> (key, entry).
    private final long[] slotKeys;
    private final int[] slotEntries;
    private final int slotMask;

    // Per port: learned-entry LRU list and count, and the max-heap of ports by count.
    private final int[] portHead = new int[PORTS];
    private final int[] portTail = new int[PORTS];
    private final int[] portCount = new int[PORTS];
    private final int[] heap = new int[PORTS];
    private final int[] heapPos = new int[PORTS];
    private int heapSize;

    private final int[] vlanCount = new int[MAX_VLAN + 1];

    private int lruHead = NIL;
    private int lruTail = NIL;
    private int freeHead;
    private int learnedCount;
    private int staticCount;
    private long agingNanos;
    private int flapMoves = DEFAULT_FLAP_MOVES;
    private long flapWindowNanos = DEFAULT_FLAP_WINDOW_SECONDS * NANOS_PER_SECOND;
    private long lastNow = Long.MIN_VALUE;

    private long learnedTotal;
    private long expiredTotal;
    private long evictedTotal;
    private long movedTotal;
    private long flapsTotal;
    /** The last flap: key, port moved to, port moved from and its moves; valid once {@link #flapsTotal} > 0. */
    private long lastFlapKey;
    private int lastFlapPort;
    private int lastFlapFrom;
    private int lastFlapMoves;

    /**
     * @param maxLearned cap on learned entries, {@link #MIN_MAX_ENTRIES}..{@link #MAX_MAX_ENTRIES}
     * @param agingSeconds idle time before a learned entry expires, {@link #MIN_AGING_SECONDS}..{@link
     *                     #MAX_AGING_SECONDS}
     */
    MacTable(int maxLearned, int agingSeconds) {
        if (maxLearned < MIN_MAX_ENTRIES || maxLearned > MAX_MAX_ENTRIES) {
            throw new IllegalArgumentException("maxEntries " + maxLearned + " out of range: expected "
                    + MIN_MAX_ENTRIES + ".." + MAX_MAX_ENTRIES);
        }
        this.maxLearned = maxLearned;
        setAgingSeconds(agingSeconds);
        this.seed = new SplittableRandom().nextLong();

        int capacity = maxLearned + MAX_STATIC_ENTRIES;
        keys = new long[capacity];
        ports = new int[capacity];
        seen = new long[capacity];
        kinds = new byte[capacity];
        moveStart = new long[capacity];
        moves = new int[capacity];
        flapped = new boolean[capacity];
        movedFrom = new int[capacity];
        lruPrev = new int[capacity];
        lruNext = new int[capacity];
        portPrev = new int[capacity];
        portNext = new int[capacity];
        // Free entries are chained through lruNext.
        for (int e = 0; e < capacity; e++) {
            lruNext[e] = e + 1 < capacity ? e + 1 : NIL;
        }
        freeHead = 0;

        int slots = Integer.highestOneBit(capacity * 2 - 1) << 1;
        slotKeys = new long[slots];
        slotEntries = new int[slots];
        slotMask = slots - 1;
        Arrays.fill(slotEntries, NIL);

        Arrays.fill(portHead, NIL);
        Arrays.fill(portTail, NIL);
        Arrays.fill(heapPos, NIL);
    }

    /**
     * Copies another table's entries and counters into a new table with a different cap. Static entries are copied
     * first; learned entries oldest first, so that LRU order survives and a smaller cap evicts fairly, counted.
     *
     * @param old the table to copy
     * @param maxLearned the new cap
     * @param agingSeconds the new aging time
     * @return the new table
     */
    static MacTable resized(MacTable old, int maxLearned, int agingSeconds) {
        MacTable table = new MacTable(maxLearned, agingSeconds);
        table.lastNow = old.lastNow;
        table.flapMoves = old.flapMoves;
        table.flapWindowNanos = old.flapWindowNanos;
        for (int e = 0; e < old.keys.length; e++) {
            if (old.kinds[e] == STATIC) {
                table.insert(old.keys[e], old.ports[e], 0, STATIC);
            }
        }
        for (int e = old.lruHead; e != NIL; e = old.lruNext[e]) {
            if (table.learnedCount >= table.maxLearned) {
                table.evictFairly();
            }
            table.insert(old.keys[e], old.ports[e], old.seen[e], LEARNED);
        }
        table.learnedTotal += old.learnedTotal;
        table.expiredTotal += old.expiredTotal;
        table.evictedTotal += old.evictedTotal;
        table.movedTotal += old.movedTotal;
        table.flapsTotal += old.flapsTotal;
        table.lastFlapKey = old.lastFlapKey;
        table.lastFlapPort = old.lastFlapPort;
        table.lastFlapFrom = old.lastFlapFrom;
        table.lastFlapMoves = old.lastFlapMoves;
        return table;
    }

    // ---- configuration ----

    /** @param agingSeconds the new idle time; takes effect at the next {@link #expire} */
    void setAgingSeconds(int agingSeconds) {
        if (agingSeconds < MIN_AGING_SECONDS || agingSeconds > MAX_AGING_SECONDS) {
            throw new IllegalArgumentException("agingSeconds " + agingSeconds + " out of range: expected "
                    + MIN_AGING_SECONDS + ".." + MAX_AGING_SECONDS);
        }
        this.agingNanos = agingSeconds * NANOS_PER_SECOND;
    }

    /**
     * @param movesInWindow moves within the window that make a station flapping
     * @param windowSeconds the window, seconds
     */
    void setFlapDetection(int movesInWindow, int windowSeconds) {
        if (movesInWindow < MIN_FLAP_MOVES || movesInWindow > MAX_FLAP_MOVES) {
            throw new IllegalArgumentException("flapMoves " + movesInWindow + " out of range: expected "
                    + MIN_FLAP_MOVES + ".." + MAX_FLAP_MOVES);
        }
        if (windowSeconds < MIN_FLAP_WINDOW_SECONDS || windowSeconds > MAX_FLAP_WINDOW_SECONDS) {
            throw new IllegalArgumentException("flapWindowSeconds " + windowSeconds + " out of range: expected "
                    + MIN_FLAP_WINDOW_SECONDS + ".." + MAX_FLAP_WINDOW_SECONDS);
        }
        this.flapMoves = movesInWindow;
        this.flapWindowNanos = windowSeconds * NANOS_PER_SECOND;
    }

    /** @return moves within the flap window that make a station flapping */
    int flapMoves() {
        return flapMoves;
    }

    /** @return the flap window in seconds */
    int flapWindowSeconds() {
        return (int) (flapWindowNanos / NANOS_PER_SECOND);
    }

    /** @return the aging time in seconds */
    int agingSeconds() {
        return (int) (agingNanos / NANOS_PER_SECOND);
    }

    /** @return the cap on learned entries */
    int maxLearned() {
        return maxLearned;
    }

    /** @return the number of entries the pool holds, learned and static: fixed for the table's life */
    int capacity() {
        return keys.length;
    }

    // ---- datapath ----

    /**
     * Records that a frame from {@code mac} in {@code vlan} arrived on {@code port}: learns a new station, moves a
     * known one, or refreshes it. Never allocates. The caller has checked that {@code mac} is a valid source.
     *
     * @param vlan 0..4095
     * @param mac the source address, unicast and non-zero, in the low 48 bits
     * @param port the ingress port, 0..{@link PortSet#CAPACITY}-1; other values are ignored
     * @param now the current time, nanoseconds
     */
    void learn(int vlan, long mac, int port, long now) {
        if (port < 0 || port >= PORTS) {
            return;
        }
        now = clamp(now);
        long key = key(vlan, mac);
        int e = find(key);
        if (e != NIL) {
            if (kinds[e] == STATIC) {
                return;
            }
            if (ports[e] == port) {
                if (now - seen[e] >= REFRESH_NANOS) {
                    seen[e] = now;
                    lruUnlink(e);
                    lruAppend(e);
                    portUnlink(e);
                    portAppend(e);
                }
                return;
            }
            movedTotal++;
            countMove(e, port, now);
            portRemove(e);
            ports[e] = port;
            portAdd(e);
            seen[e] = now;
            lruUnlink(e);
            lruAppend(e);
            return;
        }
        if (learnedCount >= maxLearned) {
            evictFairly();
        }
        insert(key, port, now, LEARNED);
        learnedTotal++;
    }

    /**
     * @param vlan 0..4095
     * @param mac a destination address in the low 48 bits
     * @return the port the station was learned on (or pinned to), or {@link #NIL}
     */
    int lookup(int vlan, long mac) {
        int e = find(key(vlan, mac));
        return e == NIL ? NIL : ports[e];
    }

    /**
     * Removes the learned entries idle for the aging time or longer, sweeping from the LRU end.
     *
     * @param now the current time, nanoseconds
     * @return how many expired
     */
    int expire(long now) {
        long limit = clamp(now) - agingNanos;
        int n = 0;
        while (lruHead != NIL && seen[lruHead] <= limit) {
            remove(lruHead);
            n++;
        }
        expiredTotal += n;
        return n;
    }

    // ---- control ----

    /** @return the number of learned entries removed; static entries stay */
    int flushLearned() {
        int n = 0;
        while (lruHead != NIL) {
            remove(lruHead);
            n++;
        }
        return n;
    }

    /**
     * @param port a port number
     * @param includeStatic also remove the port's static entries (the port is gone)
     * @return the number of entries removed
     */
    int flushPort(int port, boolean includeStatic) {
        if (port < 0 || port >= PORTS) {
            return 0;
        }
        int n = 0;
        while (portHead[port] != NIL) {
            remove(portHead[port]);
            n++;
        }
        if (includeStatic && staticCount > 0) {
            for (int e = 0; e < kinds.length; e++) {
                if (kinds[e] == STATIC && ports[e] == port) {
                    remove(e);
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * @param vlan a VLAN
     * @return the number of learned entries of that VLAN removed; static entries stay
     */
    int flushVlan(int vlan) {
        int n = 0;
        int e = lruHead;
        while (e != NIL) {
            int next = lruNext[e];
            if (vlanOf(keys[e]) == vlan) {
                remove(e);
                n++;
            }
            e = next;
        }
        return n;
    }

    /**
     * Pins a station to a port, replacing a learned entry for it or re-pinning a static one.
     *
     * @param vlan 0..4095
     * @param mac a unicast address
     * @param port 0..{@link PortSet#CAPACITY}-1
     * @throws IllegalStateException if {@link #MAX_STATIC_ENTRIES} static entries exist already
     */
    void addStatic(int vlan, long mac, int port) {
        if (port < 0 || port >= PORTS) {
            throw new IllegalArgumentException("port number " + port + " out of range: expected 0.." + (PORTS - 1));
        }
        long key = key(vlan, mac);
        int e = find(key);
        if (e != NIL && kinds[e] == STATIC) {
            ports[e] = port;
            return;
        }
        if (staticCount >= MAX_STATIC_ENTRIES) {
            throw new IllegalStateException("static entry limit of " + MAX_STATIC_ENTRIES
                    + " reached: remove a static entry first");
        }
        if (e != NIL) {
            remove(e);
        }
        insert(key, port, 0, STATIC);
    }

    /**
     * @param vlan 0..4095
     * @param mac the address
     * @return whether a static entry was removed
     */
    boolean removeStatic(int vlan, long mac) {
        int e = find(key(vlan, mac));
        if (e == NIL || kinds[e] != STATIC) {
            return false;
        }
        remove(e);
        return true;
    }

    /**
     * Copies the matching entries out of the table. Allocates: for control threads only.
     *
     * @param vlan only this VLAN, or {@link #NIL} for all
     * @param port only this port, or {@link #NIL} for all
     * @param now the current time, nanoseconds, for the ages
     * @return the rows, in pool order
     */
    Snapshot snapshot(int vlan, int port, long now) {
        now = clamp(now);
        int size = learnedCount + staticCount;
        long[] outKeys = new long[size];
        int[] outPorts = new int[size];
        int[] outAges = new int[size];
        boolean[] outStatic = new boolean[size];
        int n = 0;
        for (int e = 0; e < kinds.length && n < size; e++) {
            if (kinds[e] == FREE || (vlan != NIL && vlanOf(keys[e]) != vlan) || (port != NIL && ports[e] != port)) {
                continue;
            }
            outKeys[n] = keys[e];
            outPorts[n] = ports[e];
            outStatic[n] = kinds[e] == STATIC;
            outAges[n] = outStatic[n] ? 0 : (int) ((now - seen[e]) / NANOS_PER_SECOND);
            n++;
        }
        return new Snapshot(n, outKeys, outPorts, outAges, outStatic);
    }

    /** @return a copy of the entries per VLAN, learned and static, indexed by VLAN */
    int[] countsPerVlan() {
        return vlanCount.clone();
    }

    /**
     * @param port a port number
     * @return its learned entries
     */
    int learnedOn(int port) {
        return port >= 0 && port < PORTS ? portCount[port] : 0;
    }

    /** @return the number of entries, learned and static */
    int size() {
        return learnedCount + staticCount;
    }

    /** @return the number of learned entries */
    int learnedCount() {
        return learnedCount;
    }

    /** @return the number of static entries */
    int staticCount() {
        return staticCount;
    }

    /** @return stations learned since the table was created */
    long learned() {
        return learnedTotal;
    }

    /** @return learned entries that expired */
    long expired() {
        return expiredTotal;
    }

    /** @return learned entries evicted because the table was full */
    long evicted() {
        return evictedTotal;
    }

    /** @return station moves */
    long moved() {
        return movedTotal;
    }

    /** @return flaps detected: stations that reached the move threshold, once per window */
    long flaps() {
        return flapsTotal;
    }

    /** @return the last flap detected, or {@code null} if none was; allocates, so only when reporting */
    Flap lastFlap() {
        return flapsTotal == 0 ? null : new Flap(lastFlapKey, lastFlapPort, lastFlapFrom, lastFlapMoves);
    }

    /**
     * Copies out the stations flapping now: at or over the threshold in a window that has not closed yet.
     * Allocates: for control threads only.
     *
     * @param now the current time, nanoseconds
     * @return the stations, in pool order
     */
    List<Flap> flapping(long now) {
        now = clamp(now);
        List<Flap> out = new ArrayList<>();
        for (int e = 0; e < kinds.length; e++) {
            if (kinds[e] == LEARNED && moves[e] >= flapMoves && now - moveStart[e] <= flapWindowNanos) {
                out.add(new Flap(keys[e], ports[e], movedFrom[e], moves[e]));
            }
        }
        return out;
    }

    /** Worker of {@link #learn}: counts a move of entry {@code e} to {@code port} in its flap window. */
    private void countMove(int e, int port, long now) {
        if (moves[e] == 0 || now - moveStart[e] > flapWindowNanos) {
            moveStart[e] = now;
            moves[e] = 0;
            flapped[e] = false;
        }
        movedFrom[e] = ports[e];
        int m = ++moves[e];
        // At or over, not equal: a threshold lowered by reconfiguration still catches a station already past it.
        if (m >= flapMoves && !flapped[e]) {
            flapped[e] = true;
            flapsTotal++;
            lastFlapKey = keys[e];
            lastFlapPort = port;
            lastFlapFrom = ports[e];
            lastFlapMoves = m;
        }
    }

    /**
     * Walks every structure and checks that they agree with each other. O(capacity) and allocating: for tests.
     *
     * @return {@code null} if the table is consistent, else the first inconsistency found
     */
    String checkInvariants() {
        int learned = 0;
        int statics = 0;
        int[] perPort = new int[PORTS];
        int[] perVlan = new int[MAX_VLAN + 1];
        for (int e = 0; e < kinds.length; e++) {
            if (kinds[e] == FREE) {
                continue;
            }
            if (find(keys[e]) != e) {
                return "entry " + e + " is not found by its key";
            }
            perVlan[vlanOf(keys[e])]++;
            if (kinds[e] == LEARNED) {
                learned++;
                perPort[ports[e]]++;
            } else {
                statics++;
            }
        }
        if (learned != learnedCount || statics != staticCount || learned > maxLearned) {
            return "counts " + learnedCount + "/" + staticCount + " but pool holds " + learned + "/" + statics;
        }
        if (!Arrays.equals(perVlan, vlanCount)) {
            return "per-VLAN counts disagree with the pool";
        }
        int n = 0;
        for (int e = lruHead, prev = NIL; e != NIL; prev = e, e = lruNext[e]) {
            if (kinds[e] != LEARNED || lruPrev[e] != prev || (prev != NIL && seen[prev] > seen[e])) {
                return "global LRU list broken at entry " + e;
            }
            n++;
        }
        if (n != learnedCount) {
            return "global LRU list holds " + n + " of " + learnedCount + " learned entries";
        }
        int inHeap = 0;
        for (int p = 0; p < PORTS; p++) {
            if (portCount[p] != perPort[p]) {
                return "port " + p + " count " + portCount[p] + " but holds " + perPort[p];
            }
            int m = 0;
            for (int e = portHead[p], prev = NIL; e != NIL; prev = e, e = portNext[e]) {
                if (ports[e] != p || portPrev[e] != prev) {
                    return "port " + p + " LRU list broken at entry " + e;
                }
                m++;
            }
            if (m != portCount[p]) {
                return "port " + p + " LRU list holds " + m + " of " + portCount[p];
            }
            if (portCount[p] > 0) {
                inHeap++;
                if (heapPos[p] == NIL || heap[heapPos[p]] != p) {
                    return "port " + p + " missing from the fairness heap";
                }
            } else if (heapPos[p] != NIL) {
                return "port " + p + " has no entries but is in the fairness heap";
            }
        }
        if (inHeap != heapSize) {
            return "fairness heap holds " + heapSize + " ports, expected " + inHeap;
        }
        for (int i = 1; i < heapSize; i++) {
            if (portCount[heap[(i - 1) >>> 1]] < portCount[heap[i]]) {
                return "fairness heap order broken at " + i;
            }
        }
        int occupied = 0;
        for (int i = 0; i <= slotMask; i++) {
            if (slotEntries[i] != NIL) {
                occupied++;
                if (keys[slotEntries[i]] != slotKeys[i] || find(slotKeys[i]) != slotEntries[i]) {
                    return "hash slot " + i + " unreachable or stale";
                }
            }
        }
        if (occupied != size()) {
            return "hash index holds " + occupied + " keys for " + size() + " entries";
        }
        int free = 0;
        for (int e = freeHead; e != NIL; e = lruNext[e]) {
            if (kinds[e] != FREE) {
                return "free list holds entry " + e + " in use";
            }
            free++;
        }
        return free == kinds.length - size() ? null : "free list holds " + free + " entries";
    }

    /**
     * Entries copied out of the table; row {@code i < size} of each array belongs together.
     *
     * @param size the number of rows
     * @param keys {@code vlan << 48 | mac}
     * @param ports port numbers
     * @param ages seconds since last seen, 0 for static entries
     * @param isStatic whether the entry is static
     */
    record Snapshot(int size, long[] keys, int[] ports, int[] ages, boolean[] isStatic) {
    }

    /**
     * A flapping station.
     *
     * @param key {@code vlan << 48 | mac}
     * @param port the port it was last seen on
     * @param from the port it was on before that
     * @param moves its moves in its current flap window
     */
    record Flap(long key, int port, int from, int moves) {
    }

    /**
     * @param key an entry key
     * @return its VLAN
     */
    static int vlanOf(long key) {
        return (int) (key >>> VLAN_SHIFT);
    }

    /**
     * @param key an entry key
     * @return its MAC address bits
     */
    static long macOf(long key) {
        return key & MAC_MASK;
    }

    // ---- internals ----

    private static long key(int vlan, long mac) {
        return ((long) (vlan & MAX_VLAN) << VLAN_SHIFT) | (mac & MAC_MASK);
    }

    private long clamp(long now) {
        if (now < lastNow) {
            return lastNow;
        }
        lastNow = now;
        return now;
    }

    private void insert(long key, int port, long now, byte kind) {
        int e = freeHead;
        freeHead = lruNext[e];
        keys[e] = key;
        ports[e] = port;
        seen[e] = now;
        kinds[e] = kind;
        moves[e] = 0;
        slotInsert(key, e);
        vlanCount[vlanOf(key)]++;
        if (kind == LEARNED) {
            learnedCount++;
            lruAppend(e);
            portAdd(e);
        } else {
            staticCount++;
        }
    }

    private void remove(int e) {
        slotDelete(keys[e]);
        vlanCount[vlanOf(keys[e])]--;
        if (kinds[e] == LEARNED) {
            learnedCount--;
            lruUnlink(e);
            portRemove(e);
        } else {
            staticCount--;
        }
        kinds[e] = FREE;
        lruNext[e] = freeHead;
        freeHead = e;
    }

    private void evictFairly() {
        int port = heap[0];
        evictedTotal++;
        remove(portHead[port]);
    }

    // Global LRU list: head = least recently used.

    private void lruAppend(int e) {
        lruPrev[e] = lruTail;
        lruNext[e] = NIL;
        if (lruTail == NIL) {
            lruHead = e;
        } else {
            lruNext[lruTail] = e;
        }
        lruTail = e;
    }

    private void lruUnlink(int e) {
        int prev = lruPrev[e];
        int next = lruNext[e];
        if (prev == NIL) {
            lruHead = next;
        } else {
            lruNext[prev] = next;
        }
        if (next == NIL) {
            lruTail = prev;
        } else {
            lruPrev[next] = prev;
        }
    }

    // Per-port LRU lists, counts and the fairness heap. Keep portAdd/portRemove in sync with the heap.

    private void portAdd(int e) {
        int port = ports[e];
        portAppend(e);
        portCount[port]++;
        if (heapPos[port] == NIL) {
            heap[heapSize] = port;
            heapPos[port] = heapSize;
            heapSize++;
        }
        siftUp(heapPos[port]);
    }

    private void portRemove(int e) {
        int port = ports[e];
        portUnlink(e);
        portCount[port]--;
        int at = heapPos[port];
        if (portCount[port] > 0) {
            siftDown(at);
            return;
        }
        heapPos[port] = NIL;
        heapSize--;
        if (at != heapSize) {
            int last = heap[heapSize];
            heap[at] = last;
            heapPos[last] = at;
            siftDown(at);
            siftUp(heapPos[last]);
        }
    }

    private void portAppend(int e) {
        int port = ports[e];
        portPrev[e] = portTail[port];
        portNext[e] = NIL;
        if (portTail[port] == NIL) {
            portHead[port] = e;
        } else {
            portNext[portTail[port]] = e;
        }
        portTail[port] = e;
    }

    private void portUnlink(int e) {
        int port = ports[e];
        int prev = portPrev[e];
        int next = portNext[e];
        if (prev == NIL) {
            portHead[port] = next;
        } else {
            portNext[prev] = next;
        }
        if (next == NIL) {
            portTail[port] = prev;
        } else {
            portPrev[next] = prev;
        }
    }

    private void siftUp(int at) {
        int port = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (portCount[heap[parent]] >= portCount[port]) {
                break;
            }
            heap[at] = heap[parent];
            heapPos[heap[at]] = at;
            at = parent;
        }
        heap[at] = port;
        heapPos[port] = at;
    }

    private void siftDown(int at) {
        int port = heap[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && portCount[heap[child + 1]] > portCount[heap[child]]) {
                child++;
            }
            if (portCount[heap[child]] <= portCount[port]) {
                break;
            }
            heap[at] = heap[child];
            heapPos[heap[at]] = at;
            at = child;
        }
        heap[at] = port;
        heapPos[port] = at;
    }

    // Hash index: open addressing, linear probing, backward-shift deletion.

    private int home(long key) {
        long h = key ^ seed;
        h = (h ^ (h >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        h = (h ^ (h >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return (int) (h ^ (h >>> 33)) & slotMask;
    }

    private int find(long key) {
        for (int i = home(key); slotEntries[i] != NIL; i = (i + 1) & slotMask) {
            if (slotKeys[i] == key) {
                return slotEntries[i];
            }
        }
        return NIL;
    }

    private void slotInsert(long key, int e) {
        int i = home(key);
        while (slotEntries[i] != NIL) {
            i = (i + 1) & slotMask;
        }
        slotKeys[i] = key;
        slotEntries[i] = e;
    }

    private void slotDelete(long key) {
        int hole = home(key);
        while (slotEntries[hole] != NIL && slotKeys[hole] != key) {
            hole = (hole + 1) & slotMask;
        }
        if (slotEntries[hole] == NIL) {
            return;
        }
        // Move back every later member of the cluster whose home is not between the hole and itself.
        int j = hole;
        while (true) {
            j = (j + 1) & slotMask;
            if (slotEntries[j] == NIL) {
                break;
            }
            int h = home(slotKeys[j]);
            if (((j - h) & slotMask) >= ((j - hole) & slotMask)) {
                slotKeys[hole] = slotKeys[j];
                slotEntries[hole] = slotEntries[j];
                hole = j;
            }
        }
        slotEntries[hole] = NIL;
    }
}
