package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.JvmProbe;
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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Odd and malformed frames injected byte for byte on real TAP ports, from silent namespace hosts: each is forwarded
 * intact (tags rewritten as the ports' VLAN modes say) or dropped and counted under its reason, and nothing else
 * happens: no frame leaks into another VLAN, no exception, no log storm, no leaked fd or thread, no heap growth.
 *
 * <p>Ports: {@code rsr-a} and {@code rsr-b} have no VLAN configuration (transparent: tags are payload to them);
 * {@code rsr-c} is an access port of VLAN 10, {@code rsr-d} a trunk of VLANs 10 and 20. While the VLAN module is
 * uninstalled the VLAN ports fail closed: their frames are dropped, and none reach them. Frames shorter than an
 * Ethernet header cannot be sent through a TAP (the kernel refuses them with EINVAL), so runts are covered by the
 * datapath's in-memory tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OddFramesTest {

    private static final String A = "rsr-a";
    private static final String B = "rsr-b";
    private static final String C = "rsr-c";
    private static final String D = "rsr-d";
    private static final List<String> PORTS = List.of(A, B, C, D);
    private static final HexFormat HEX = HexFormat.of();

    /** Never a source anywhere: every frame to it is flooded within its VLAN. */
    private static final String UNKNOWN = "02:52:53:ff:ff:01";
    private static final String SRC_A = "02:52:53:00:00:0a";
    private static final String SRC_C = "02:52:53:00:00:0c";
    private static final String SRC_D = "02:52:53:00:00:0d";
    private static final String TAG_10 = "8100000a";

    /** Heap a run of odd frames may leave behind after a full GC: SSH sessions and logging, not frames. */
    private static final long HEAP_SLACK_BYTES = 16L << 20;
    /** Lines the switch may log while handling thousands of bad frames: it counts them instead. */
    private static final int LOG_LINES_ALLOWED = 10;

    private KarafInstance karaf;
    private int metricsPort;
    private int logStart;
    private final RawHosts hosts = new RawHosts();

    @BeforeAll
    void setUp() throws Exception {
        Privileges.requireRoot("odd frames on TAP ports in network namespaces");
        karaf = KarafInstance.prepare("oddframes");
        metricsPort = Metrics.usePrivatePort(karaf);
        karaf.start();
        admin("ringswitch:port-add " + A);
        admin("ringswitch:port-add " + B);
        admin("ringswitch:port-add --mode access --vlan 10 " + C);
        admin("ringswitch:port-add --mode trunk --trunks 10,20 " + D);
        for (String port : PORTS) {
            hosts.attach(port);
        }
        // Lets host A send frames longer than the switch's MTU for the port (1500).
        hosts.get(A).hostMtu(9000);
        logStart = karaf.karafLog().length();
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
    void oddFramesOnATransparentPortAreForwardedAsTheyAreOrCounted() throws Exception {
        List<Case> cases = List.of(
                forwarded("header only, no payload", frame(14, UNKNOWN, SRC_A, "0800")),
                forwarded("802.3 length field", frame(60, UNKNOWN, SRC_A, "002e", "aaaa03")),
                forwarded("EtherType 0x0000", frame(60, UNKNOWN, SRC_A, "0000")),
                forwarded("EtherType 0xffff", frame(60, UNKNOWN, SRC_A, "ffff")),
                forwarded("TPID without a tag", frame(14, UNKNOWN, SRC_A, "8100")),
                forwarded("truncated 802.1Q tag", frame(16, UNKNOWN, SRC_A, "8100", "000a")),
                forwarded("stacked 802.1Q tags", frame(64, UNKNOWN, SRC_A, TAG_10, "8100000b", "0800")),
                forwarded("802.1ad outer tag", frame(64, UNKNOWN, SRC_A, "88a8000a", "8100000b", "0800")),
                forwarded("VID 0", frame(64, UNKNOWN, SRC_A, "81000000", "0800")),
                forwarded("VID 4095", frame(64, UNKNOWN, SRC_A, "81000fff", "0800")),
                dropped("multicast source", frame(60, UNKNOWN, "01:00:5e:00:00:01", "0800"), "invalid_source"),
                dropped("broadcast source", frame(60, UNKNOWN, "ff:ff:ff:ff:ff:ff", "0800"), "invalid_source"),
                dropped("all-zero source", frame(60, UNKNOWN, "00:00:00:00:00:00", "0800"), "invalid_source"),
                forwarded("largest untagged frame (MTU 1500)", frame(1514, UNKNOWN, SRC_A, "0800")),
                dropped("untagged, one byte over the MTU", frame(1515, UNKNOWN, SRC_A, "0800"), "too_long"),
                dropped("one tag, one byte over the MTU", frame(1519, UNKNOWN, SRC_A, TAG_10, "0800"), "too_long"),
                forwarded("largest frame with two tags", frame(1522, UNKNOWN, SRC_A, TAG_10, "8100000b", "0800")),
                dropped("one byte over, with two tags", frame(1523, UNKNOWN, SRC_A, TAG_10, "8100000b", "0800"),
                        "too_long"),
                dropped("twice the MTU", frame(3000, UNKNOWN, SRC_A, "0800"), "too_long"));
        inject(A, B, cases);
    }

    @Test
    void oddFramesOnAnAccessPortAreTaggedForTheTrunkOrCounted() throws Exception {
        List<Case> cases = List.of(
                forwarded("header only", frame(14, UNKNOWN, SRC_C, "0800"), 0x000a),
                forwarded("minimum frame", frame(60, UNKNOWN, SRC_C, "0800"), 0x000a),
                forwarded("EtherType 0xffff", frame(60, UNKNOWN, SRC_C, "ffff"), 0x000a),
                forwarded("priority tag (VID 0, PCP 5, DEI)", frame(64, UNKNOWN, SRC_C, "8100b000", "0800"),
                        0xb00a),
                forwarded("largest untagged frame", frame(1514, UNKNOWN, SRC_C, "0800"), 0x000a),
                dropped("tagged with the access VLAN", frame(64, UNKNOWN, SRC_C, TAG_10, "0800"),
                        "vlan_not_allowed"),
                dropped("tagged with another VLAN", frame(64, UNKNOWN, SRC_C, "81000014", "0800"),
                        "vlan_not_allowed"),
                dropped("VID 4095", frame(64, UNKNOWN, SRC_C, "81000fff", "0800"), "vlan_reserved"),
                dropped("TPID without a tag", frame(14, UNKNOWN, SRC_C, "8100"), "malformed"),
                dropped("truncated 802.1Q tag", frame(16, UNKNOWN, SRC_C, "8100", "000a"), "malformed"),
                dropped("stacked 802.1Q tags", frame(64, UNKNOWN, SRC_C, "81000000", "8100000b", "0800"),
                        "malformed"),
                dropped("802.1ad inside 802.1Q", frame(64, UNKNOWN, SRC_C, "81000000", "88a8000b", "0800"),
                        "malformed"),
                dropped("802.1ad outer tag", frame(64, UNKNOWN, SRC_C, "88a8000a", "8100000b", "0800"),
                        "malformed"),
                dropped("multicast source", frame(60, UNKNOWN, "33:33:00:00:00:01", "0800"), "invalid_source"),
                dropped("all-zero source", frame(60, UNKNOWN, "00:00:00:00:00:00", "0800"), "invalid_source"));
        inject(C, D, cases);
    }

    @Test
    void oddFramesOnATrunkAreUntaggedForTheAccessPortOrCounted() throws Exception {
        List<Case> cases = List.of(
                forwarded("VID 10", frame(64, UNKNOWN, SRC_D, TAG_10, "0800"), untag(frame(64, UNKNOWN, SRC_D,
                        TAG_10, "0800"))),
                forwarded("VID 10 with PCP 3 and DEI", frame(64, UNKNOWN, SRC_D, "8100700a", "0800"),
                        untag(frame(64, UNKNOWN, SRC_D, "8100700a", "0800"))),
                forwarded("largest tagged frame", frame(1518, UNKNOWN, SRC_D, TAG_10, "0800"),
                        untag(frame(1518, UNKNOWN, SRC_D, TAG_10, "0800"))),
                dropped("VID 20, carried but by no other port", frame(64, UNKNOWN, SRC_D, "81000014", "0800"),
                        "no_egress"),
                dropped("VID 30, not carried", frame(64, UNKNOWN, SRC_D, "8100001e", "0800"), "vlan_not_allowed"),
                dropped("untagged, no native VLAN", frame(60, UNKNOWN, SRC_D, "0800"), "vlan_not_allowed"),
                dropped("VID 0, no native VLAN", frame(64, UNKNOWN, SRC_D, "81000000", "0800"),
                        "vlan_not_allowed"),
                dropped("VID 4095", frame(64, UNKNOWN, SRC_D, "81000fff", "0800"), "vlan_reserved"),
                dropped("stacked in VID 10", frame(64, UNKNOWN, SRC_D, TAG_10, "8100000a", "0800"), "malformed"));
        inject(D, C, cases);
    }

    @Test
    void vlanPortsFailClosedWhileTheVlanModuleIsAway() throws Exception {
        int logStart = karaf.karafLog().length();
        assertEquals("", karaf.admin("feature:uninstall ringswitch-vlan").all().strip());
        try {
            List<Case> fromC = List.of(
                    dropped("untagged on the access port", frame(60, UNKNOWN, SRC_C, "0800"), "vlan_not_allowed"),
                    dropped("broadcast on the access port", frame(60, "ff:ff:ff:ff:ff:ff", SRC_C, "0800"),
                            "vlan_not_allowed"));
            injectNowhere(C, fromC);
            List<Case> fromD = List.of(
                    dropped("tagged on the trunk", frame(64, UNKNOWN, SRC_D, TAG_10, "0800"), "vlan_not_allowed"));
            injectNowhere(D, fromD);
            // Plain ports still switch among themselves, and nothing leaks to the fenced VLAN ports.
            inject(A, B, List.of(forwarded("broadcast on a plain port", frame(60, "ff:ff:ff:ff:ff:ff", SRC_A,
                    "0800"))));
        } finally {
            assertEquals("", karaf.admin("feature:install ringswitch-vlan").all().strip());
        }
        inject(C, D, List.of(forwarded("untagged, once the VLAN module is back", frame(60, UNKNOWN, SRC_C, "0800"),
                0x000a)));
        assertTrue(LogAssertions.linesSince(karaf, logStart).stream().anyMatch(l -> l.contains("WARN")
                && l.contains("have VLAN configuration but no VLAN module is active")), "no WARN about the fence");
    }

    /** Sends frames that must all be dropped: no port may receive anything. */
    private void injectNowhere(String in, List<Case> cases) throws Exception {
        String nobody = PORTS.stream().filter(p -> !p.equals(in)).findFirst().orElseThrow();
        inject(in, nobody, cases);
    }

    @Test
    void randomBytesAreAllAccountedForAndLeaveNothingBehind() throws Exception {
        JvmProbe probe = new JvmProbe(karaf.javaPid());
        // Warm up first, so that classes loaded and buffers sized on first use do not count as growth.
        hosts.get(A).sendRandom(200, 1, 50);
        hosts.get(C).sendRandom(200, 2, 50);
        JvmProbe.Snapshot before = probe.snapshot();
        int logLinesBefore = switchLogLines().size();

        for (String[] pair : List.of(new String[] {A, B}, new String[] {C, D})) {
            String in = pair[0];
            String out = pair[1];
            Metrics start = Metrics.scrape(metricsPort);
            int sent = hosts.get(in).sendRandom(3000, in.hashCode(), 100);
            Metrics delta = awaitRx(in, start, sent);
            long dropped = delta.rxDrops(in).values().stream().mapToLong(Long::longValue).sum();
            assertEquals(sent, delta.rx(in), "every random frame from " + in + " reached the switch");
            assertEquals(delta.rx(in) - dropped, delta.tx(out), "frames from " + in + " either reached " + out
                    + " or were dropped with a reason: " + delta.rxDrops(in));
            for (String other : PORTS) {
                if (!other.equals(out)) {
                    assertEquals(0, delta.tx(other), "frames from " + in + " leaked to " + other);
                }
            }
        }

        JvmProbe.Snapshot after = probe.snapshot();
        assertEquals("", before.leaksTo(after), "fds or threads leaked");
        assertTrue(after.heapBytes() - before.heapBytes() < HEAP_SLACK_BYTES,
                "heap grew from " + before.heapBytes() / 1024 + " to " + after.heapBytes() / 1024 + " KiB");
        List<String> lines = switchLogLines();
        List<String> added = lines.subList(logLinesBefore, lines.size());
        assertTrue(added.size() <= LOG_LINES_ALLOWED, () -> "log storm: " + added.size() + " lines\n"
                + String.join("\n", added));
        LogAssertions.assertNoErrors(karaf);
        List<String> log = LogAssertions.linesSince(karaf, logStart);
        assertTrue(log.stream().noneMatch(l -> l.contains("Exception")), () -> "an exception was logged:\n"
                + String.join("\n", log));
    }

    // ---- the injection ------------------------------------------------------------------------------------------

    /**
     * Sends every case from one port's host, captures on all the others, and checks the counters and the captures.
     */
    private void inject(String in, String receiver, List<Case> cases) throws Exception {
        Map<String, RawHost.Capture> captures = new LinkedHashMap<>();
        for (String port : PORTS) {
            if (!port.equals(in)) {
                captures.put(port, hosts.get(port).capture(2.0, 15));
            }
        }
        Metrics start = Metrics.scrape(metricsPort);
        int sent = hosts.get(in).send(cases.stream().map(Case::frame).toList());
        assertEquals(cases.size(), sent, "the kernel refused some frames");
        Map<String, List<byte[]>> seen = new LinkedHashMap<>();
        for (Map.Entry<String, RawHost.Capture> e : captures.entrySet()) {
            seen.put(e.getKey(), e.getValue().frames());
        }
        Metrics delta = awaitRx(in, start, sent);

        Map<String, Long> expectedDrops = new TreeMap<>();
        List<byte[]> expectedOut = new ArrayList<>();
        for (Case c : cases) {
            if (c.drop() != null) {
                expectedDrops.merge(c.drop(), 1L, Long::sum);
            } else {
                expectedOut.add(c.out());
            }
        }
        String what = "frames from " + in + ":\n" + describe(cases);
        assertEquals(expectedDrops, delta.rxDrops(in), "drops by reason of " + what);
        assertEquals(expectedOut.size(), delta.tx(receiver), "frames written to " + receiver + " of " + what);
        for (String port : PORTS) {
            if (!port.equals(in) && !port.equals(receiver)) {
                assertEquals(0, delta.tx(port), "frames leaked to " + port + " of " + what);
                assertEquals(List.of(), hex(seen.get(port)), "frames leaked to " + port + " of " + what);
            }
        }
        // The receiving kernel discards tagged frames too short to hold a tag and an EtherType before any capture
        // sees them; the tx counter above covers those.
        List<String> visible = hex(expectedOut.stream().filter(OddFramesTest::kernelShows).toList());
        assertEquals(visible, hex(seen.get(receiver)), "frames " + receiver + " received of " + what);
    }

    /** Waits until the switch counted the frames sent (the capture ended a second after the last one). */
    private Metrics awaitRx(String port, Metrics start, int sent) throws Exception {
        Metrics delta = Metrics.scrape(metricsPort).since(start);
        for (int i = 0; i < 50 && delta.rx(port) < sent; i++) {
            Thread.sleep(100);
            delta = Metrics.scrape(metricsPort).since(start);
        }
        return delta;
    }

    private static boolean kernelShows(byte[] frame) {
        int type = (frame[12] & 0xFF) << 8 | (frame[13] & 0xFF);
        return !(type == 0x8100 || type == 0x88a8) || frame.length >= 20;
    }

    // ---- frames -------------------------------------------------------------------------------------------------

    /**
     * One frame sent and what must become of it.
     *
     * @param name what is odd about it
     * @param frame its bytes
     * @param drop the reason label it is dropped for, or {@code null}
     * @param out what the receiving port gets, if forwarded
     */
    private record Case(String name, byte[] frame, String drop, byte[] out) {
    }

    private static Case forwarded(String name, byte[] frame) {
        return new Case(name, frame, null, frame);
    }

    private static Case forwarded(String name, byte[] frame, byte[] out) {
        return new Case(name, frame, null, out);
    }

    /** Forwarded from an access port to the trunk: any tag it had replaced by one with this TCI. */
    private static Case forwarded(String name, byte[] frame, int tci) {
        byte[] untagged = (frame[12] & 0xFF) == 0x81 && frame[13] == 0 ? untag(frame) : frame;
        byte[] out = new byte[untagged.length + 4];
        System.arraycopy(untagged, 0, out, 0, 12);
        out[12] = (byte) 0x81;
        out[14] = (byte) (tci >>> 8);
        out[15] = (byte) tci;
        System.arraycopy(untagged, 12, out, 16, untagged.length - 12);
        return new Case(name, frame, null, out);
    }

    private static Case dropped(String name, byte[] frame, String reason) {
        return new Case(name, frame, reason, null);
    }

    /**
     * @param length total length; the rest after the header parts is filled with 0xab
     * @param destination destination MAC
     * @param source source MAC
     * @param rest EtherType, tags and payload start, in hex
     * @return the frame
     */
    private static byte[] frame(int length, String destination, String source, String... rest) {
        byte[] head = HEX.parseHex((destination + source + String.join("", rest)).replace(":", ""));
        byte[] frame = Arrays.copyOf(head, length);
        Arrays.fill(frame, Math.min(head.length, length), length, (byte) 0xab);
        return frame;
    }

    private static byte[] untag(byte[] frame) {
        byte[] out = new byte[frame.length - 4];
        System.arraycopy(frame, 0, out, 0, 12);
        System.arraycopy(frame, 16, out, 12, frame.length - 16);
        return out;
    }

    private static List<String> hex(List<byte[]> frames) {
        return frames.stream().map(HEX::formatHex).toList();
    }

    private static String describe(List<Case> cases) {
        StringBuilder sb = new StringBuilder();
        for (Case c : cases) {
            sb.append("  ").append(c.name()).append(" (").append(c.frame().length).append(" bytes): ")
                    .append(c.drop() == null ? "forwarded" : c.drop()).append('\n');
        }
        return sb.toString();
    }

    // ---- appliance ----------------------------------------------------------------------------------------------

    private void admin(String command) throws Exception {
        CommandResult r = karaf.admin(command);
        assertEquals(0, r.exitStatus(), r::toString);
    }

    /** @return the log lines of RingSwitch's own bundles */
    private List<String> switchLogLines() throws Exception {
        return karaf.karafLog().lines().filter(l -> l.contains("| ringswitch-")).toList();
    }
}
