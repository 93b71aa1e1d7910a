package dev.ringswitch.vlan.internal;

import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.module.EgressTagging;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;
import dev.ringswitch.testkit.FakePortService;
import dev.ringswitch.testkit.FrameBuilder;
import dev.ringswitch.vlan.internal.support.Datapath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every mode and rule of the VLAN module, checked byte by byte on what each egress port would receive.
 */
class VlanModuleTest {

    // The switch: port numbers are deliberately not the list order.
    private static final int A10 = 1;
    private static final int A10B = 2;
    private static final int A20 = 3;
    private static final int TRUNK = 4;
    private static final int NATIVE_UNTAGGED = 5;
    private static final int NATIVE_TAGGED = 6;
    private static final int TRUNK_ALL = 7;
    private static final int PLAIN = 8;
    private static final int PLAIN2 = 9;
    private static final int TRUNK30 = 10;
    private static final int[] ALL = {A10, A10B, A20, TRUNK, NATIVE_UNTAGGED, NATIVE_TAGGED, TRUNK_ALL, PLAIN, PLAIN2,
        TRUNK30};

    private static final int PCP5_DEI = 5 << 13 | 0x1000;

    private FakePortService ports;
    private VlanModule module;
    private Datapath datapath;

    @BeforeEach
    void setUp() {
        ports = new FakePortService();
        ports.add("a10", A10, VlanConfig.access(10));
        ports.add("a10b", A10B, VlanConfig.access(10));
        ports.add("a20", A20, VlanConfig.access(20));
        ports.add("trunk", TRUNK, VlanConfig.trunk(VlanSet.parse("10,20")));
        ports.add("nu", NATIVE_UNTAGGED, new VlanConfig(VlanMode.NATIVE_UNTAGGED, 10, VlanSet.of(20, 30)));
        ports.add("nt", NATIVE_TAGGED, new VlanConfig(VlanMode.NATIVE_TAGGED, 20, VlanSet.of(10)));
        ports.add("all", TRUNK_ALL, VlanConfig.trunk(VlanSet.EMPTY));
        ports.add("plain", PLAIN);
        ports.add("plain2", PLAIN2);
        ports.add("t30", TRUNK30, VlanConfig.trunk(VlanSet.of(30)));
        module = new VlanModule(ports);
        module.activate();
        module.onStart();
        datapath = new Datapath(module, ALL);
    }

    @AfterEach
    void tearDown() {
        module.deactivate();
        assertEquals(0, ports.listenerCount(), "deactivate must remove the port listener");
    }

    // ---- frames ------------------------------------------------------------------------------------------------

    /** An untagged 64-byte IPv4-typed broadcast with a counting payload. */
    private static byte[] untagged() {
        return FrameBuilder.ethernet().source("02:00:00:00:00:0a").etherType(0x0800).length(64).build();
    }

    /** The same frame with one 802.1Q tag. */
    private static byte[] tagged(int tci) {
        return insertTag(untagged(), Frame.TPID_8021Q, tci);
    }

    /** Inserts a tag at bytes 12..15 by hand, independently of Frame.pushTag. */
    private static byte[] insertTag(byte[] frame, int tpid, int tci) {
        byte[] out = new byte[frame.length + 4];
        System.arraycopy(frame, 0, out, 0, 12);
        out[12] = (byte) (tpid >>> 8);
        out[13] = (byte) tpid;
        out[14] = (byte) (tci >>> 8);
        out[15] = (byte) tci;
        System.arraycopy(frame, 12, out, 16, frame.length - 12);
        return out;
    }

    private static void assertTag(byte[] frame, int tci) {
        assertEquals(0x81, frame[12] & 0xFF, "TPID high byte at offset 12");
        assertEquals(0x00, frame[13] & 0xFF, "TPID low byte at offset 13");
        assertEquals(tci >>> 8, frame[14] & 0xFF, "TCI high byte (PCP, DEI, VID high nibble) at offset 14");
        assertEquals(tci & 0xFF, frame[15] & 0xFF, "TCI low byte at offset 15");
        assertEquals(0x08, frame[16] & 0xFF, "inner EtherType follows the tag");
        assertEquals(0x00, frame[17] & 0xFF, "inner EtherType follows the tag");
    }

    private static Set<Integer> ports(Map<Integer, byte[]> out) {
        return out.keySet();
    }

    private static Set<Integer> egressOf(Frame frame) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int p = frame.egress().next(0); p >= 0; p = frame.egress().next(p + 1)) {
            set.add(p);
        }
        return set;
    }

    // ---- module identity ---------------------------------------------------------------------------------------

    @Test
    void shouldBeAnAdvisorNamedVlanThatTagsEgress() {
        assertEquals("vlan", module.name());
        assertEquals(Band.ADVISOR, module.band());
        assertTrue(module.priority() < 0, "runs before other advisors");
        assertTrue(module instanceof EgressTagging);
    }

    // ---- access ports ------------------------------------------------------------------------------------------

    @Test
    void shouldClassifyUntaggedFrameOnAccessPortIntoItsVlanAndLeaveBytesAlone() {
        Frame frame = datapath.ingress(untagged(), A10);

        assertFalse(frame.isDropped());
        assertEquals(10, frame.vlan());
        assertEquals(0, frame.pcp());
        assertFalse(frame.dei());
        assertArrayEquals(untagged(), FrameBuilder.bytesOf(frame), "an untagged frame is not rewritten");
        assertEquals(Set.of(A10B, TRUNK, NATIVE_UNTAGGED, NATIVE_TAGGED, TRUNK_ALL), egressOf(frame));
    }

    @Test
    void shouldDeliverAccessFrameUntaggedToAccessAndNativeUntaggedAndTaggedToTrunks() {
        Map<Integer, byte[]> out = datapath.forward(untagged(), A10);

        assertArrayEquals(untagged(), out.get(A10B), "access port: untagged, byte for byte");
        assertArrayEquals(untagged(), out.get(NATIVE_UNTAGGED), "native-untagged trunk, native VLAN: untagged");
        for (int trunk : new int[] {TRUNK, NATIVE_TAGGED, TRUNK_ALL}) {
            byte[] bytes = out.get(trunk);
            assertEquals(untagged().length + 4, bytes.length);
            assertTag(bytes, 10);
            assertArrayEquals(tagged(10), bytes, "port " + trunk + ": tag inserted at offset 12, rest shifted");
        }
    }

    @Test
    void shouldTreatPriorityTaggedFrameOnAccessPortAsUntaggedAndKeepPcpAndDei() {
        Frame frame = datapath.ingress(tagged(PCP5_DEI), A10);

        assertFalse(frame.isDropped());
        assertEquals(10, frame.vlan());
        assertEquals(5, frame.pcp());
        assertTrue(frame.dei());
        assertArrayEquals(untagged(), FrameBuilder.bytesOf(frame), "the priority tag is removed in memory");

        Map<Integer, byte[]> out = datapath.egress(frame);
        assertArrayEquals(untagged(), out.get(A10B));
        assertArrayEquals(tagged(PCP5_DEI | 10), out.get(TRUNK), "the trunk gets VID 10 with PCP 5 and DEI");
    }

    @Test
    void shouldDropTaggedFrameOnAccessPortEvenForItsOwnVlan() {
        for (int vid : new int[] {10, 20, 99}) {
            Frame frame = datapath.ingress(tagged(vid), A10);
            assertEquals(DropReason.VLAN_NOT_ALLOWED, frame.dropReason(), "VID " + vid);
            assertArrayEquals(tagged(vid), FrameBuilder.bytesOf(frame), "a dropped frame keeps its bytes");
        }
    }

    // ---- trunks ------------------------------------------------------------------------------------------------

    @Test
    void shouldStripTagOfAllowedVlanOnTrunkAndKeepPcpAndDei() {
        Frame frame = datapath.ingress(tagged(PCP5_DEI | 20), TRUNK);

        assertFalse(frame.isDropped());
        assertEquals(20, frame.vlan());
        assertEquals(5, frame.pcp());
        assertTrue(frame.dei());
        assertArrayEquals(untagged(), FrameBuilder.bytesOf(frame), "tag removed from bytes 12..15");
        assertEquals(0x0800, frame.etherType(), "the inner EtherType moved up to offset 12");
        assertEquals(Set.of(A20, NATIVE_UNTAGGED, NATIVE_TAGGED, TRUNK_ALL), egressOf(frame));
    }

    @Test
    void shouldForwardTrunkFrameUntaggedToAccessAndRetaggedToTrunks() {
        Map<Integer, byte[]> out = datapath.forward(tagged(3 << 13 | 20), TRUNK);

        assertArrayEquals(untagged(), out.get(A20));
        assertArrayEquals(tagged(3 << 13 | 20), out.get(TRUNK_ALL), "PCP 3 preserved");
        assertArrayEquals(tagged(3 << 13 | 20), out.get(NATIVE_TAGGED), "native VLAN of native-tagged: tagged");
        assertArrayEquals(tagged(3 << 13 | 20), out.get(NATIVE_UNTAGGED), "a non-native VLAN: tagged");
        assertFalse(out.containsKey(A10) || out.containsKey(A10B) || out.containsKey(TRUNK30));
    }

    @Test
    void shouldDropVlanNotCarriedByTrunk() {
        Frame frame = datapath.ingress(tagged(30), TRUNK);

        assertEquals(DropReason.VLAN_NOT_ALLOWED, frame.dropReason());
        assertArrayEquals(tagged(30), FrameBuilder.bytesOf(frame));
    }

    @Test
    void shouldDropUntaggedAndPriorityTaggedFramesOnTrunkWithoutNativeVlan() {
        assertEquals(DropReason.VLAN_NOT_ALLOWED, datapath.ingress(untagged(), TRUNK).dropReason());
        assertEquals(DropReason.VLAN_NOT_ALLOWED, datapath.ingress(tagged(PCP5_DEI), TRUNK).dropReason());
        assertEquals(DropReason.VLAN_NOT_ALLOWED, datapath.ingress(untagged(), TRUNK_ALL).dropReason());
    }

    @Test
    void shouldCarryEveryVlanOnTrunkWithEmptyList() {
        for (int vid : new int[] {1, 99, 4094}) {
            Frame frame = datapath.ingress(tagged(vid), TRUNK_ALL);
            assertFalse(frame.isDropped(), "VID " + vid);
            assertEquals(vid, frame.vlan());
        }
        Frame v99 = datapath.ingress(tagged(99), TRUNK_ALL);
        assertEquals(Set.of(), egressOf(v99), "no other port carries VLAN 99");
        Frame v30 = datapath.ingress(tagged(30), TRUNK_ALL);
        assertEquals(Set.of(NATIVE_UNTAGGED, TRUNK30), egressOf(v30));
    }

    // ---- native VLAN trunks ------------------------------------------------------------------------------------

    @Test
    void shouldPutUntaggedFramesOnNativeUntaggedTrunkIntoNativeVlan() {
        Map<Integer, byte[]> out = datapath.forward(untagged(), NATIVE_UNTAGGED);

        assertEquals(Set.of(A10, A10B, TRUNK, NATIVE_TAGGED, TRUNK_ALL), ports(out));
        assertArrayEquals(untagged(), out.get(A10));
        assertArrayEquals(tagged(10), out.get(TRUNK));
    }

    @Test
    void shouldAcceptNativeVlanTaggedOnNativeUntaggedTrunkAndSendItBackUntagged() {
        Frame frame = datapath.ingress(tagged(2 << 13 | 10), NATIVE_UNTAGGED);
        assertEquals(10, frame.vlan());
        assertEquals(2, frame.pcp());

        Frame fromTrunk = datapath.ingress(tagged(10), TRUNK);
        assertArrayEquals(untagged(), datapath.write(fromTrunk, NATIVE_UNTAGGED), "native VLAN leaves untagged");
        Frame vlan20 = datapath.ingress(tagged(20), TRUNK);
        assertArrayEquals(tagged(20), datapath.write(vlan20, NATIVE_UNTAGGED), "other VLANs leave tagged");
    }

    @Test
    void shouldTagEverythingIncludingNativeVlanOnNativeTaggedTrunk() {
        Frame untaggedIn = datapath.ingress(untagged(), NATIVE_TAGGED);
        assertEquals(20, untaggedIn.vlan(), "untagged frames join the native VLAN");
        assertEquals(Set.of(A20, TRUNK, NATIVE_UNTAGGED, TRUNK_ALL), egressOf(untaggedIn));

        Frame fromAccess = datapath.ingress(untagged(), A20);
        assertArrayEquals(tagged(20), datapath.write(fromAccess, NATIVE_TAGGED), "native VLAN leaves tagged");
        Frame fromA10 = datapath.ingress(untagged(), A10);
        assertArrayEquals(tagged(10), datapath.write(fromA10, NATIVE_TAGGED));
    }

    @Test
    void shouldCarryNativeVlanEvenWhenNotListedInTrunks() {
        // nu: native 10, trunks 20,30 -- VLAN 10 tagged must still be accepted.
        assertEquals(10, datapath.ingress(tagged(10), NATIVE_UNTAGGED).vlan());
        // nt: native 20, trunks 10.
        assertEquals(20, datapath.ingress(tagged(20), NATIVE_TAGGED).vlan());
        assertEquals(DropReason.VLAN_NOT_ALLOWED, datapath.ingress(tagged(30), NATIVE_TAGGED).dropReason());
    }

    // ---- reserved, stacked and malformed tags ------------------------------------------------------------------

    @Test
    void shouldDropVid4095AsReservedOnEveryConfiguredPort() {
        for (int port : new int[] {A10, TRUNK, TRUNK_ALL, NATIVE_UNTAGGED, NATIVE_TAGGED}) {
            Frame frame = datapath.ingress(tagged(PCP5_DEI | 0xFFF), port);
            assertEquals(DropReason.VLAN_RESERVED, frame.dropReason(), "port " + port);
        }
    }

    @Test
    void shouldDrop8021adOuterTagAsMalformed() {
        byte[] qinq = insertTag(tagged(10), Frame.TPID_8021AD, 100);
        assertEquals(DropReason.MALFORMED, datapath.ingress(qinq, TRUNK_ALL).dropReason());
        assertEquals(DropReason.MALFORMED, datapath.ingress(insertTag(untagged(), Frame.TPID_8021AD, 10), A10)
                .dropReason());
    }

    @Test
    void shouldDropStackedTagsSoThatNoFrameCanHopVlans() {
        byte[] doubleQ = FrameBuilder.ethernet().vlan(10).vlan(20).etherType(0x0800).length(64).build();
        Frame frame = datapath.ingress(doubleQ, TRUNK);
        assertEquals(DropReason.MALFORMED, frame.dropReason());
        assertArrayEquals(doubleQ, FrameBuilder.bytesOf(frame));

        byte[] qInAd = FrameBuilder.ethernet().vlan(10).tag(Frame.TPID_8021AD, 20).length(64).build();
        assertEquals(DropReason.MALFORMED, datapath.ingress(qInAd, TRUNK).dropReason());
        byte[] priorityThenTag = FrameBuilder.ethernet().vlan(0).vlan(20).length(64).build();
        assertEquals(DropReason.MALFORMED, datapath.ingress(priorityThenTag, A10).dropReason());
    }

    @Test
    void shouldDropTruncatedTagsAsMalformedAndRuntsAsRunt() {
        byte[] full = tagged(10);
        for (int length : new int[] {14, 15, 16, 17}) {
            Frame frame = datapath.ingress(Arrays.copyOf(full, length), TRUNK);
            assertEquals(DropReason.MALFORMED, frame.dropReason(), length + " bytes");
        }
        Frame exact = datapath.ingress(Arrays.copyOf(full, 18), TRUNK);
        assertFalse(exact.isDropped(), "18 bytes hold addresses, tag and EtherType");
        assertEquals(14, exact.length());

        assertEquals(DropReason.RUNT, datapath.ingress(Arrays.copyOf(full, 13), A10).dropReason());
    }

    // ---- ports without VLAN configuration ----------------------------------------------------------------------

    @Test
    void shouldLeaveFramesOfUnconfiguredPortsUntouchedAndAmongThemselves() {
        for (byte[] bytes : List.of(untagged(), tagged(PCP5_DEI | 10), tagged(0xFFF),
                insertTag(tagged(10), Frame.TPID_8021AD, 5), Arrays.copyOf(untagged(), 10))) {
            Frame frame = datapath.ingress(bytes, PLAIN);
            assertFalse(frame.isDropped());
            assertEquals(0, frame.vlan());
            assertEquals(Set.of(PLAIN2), egressOf(frame), "only other unconfigured ports");
            assertArrayEquals(bytes, datapath.write(frame, PLAIN2), "bytes unchanged, tags included");
        }
    }

    @Test
    void shouldChangeNothingWhileNoPortIsConfigured() {
        FakePortService plain = new FakePortService();
        plain.add("p1", 1);
        plain.add("p2", 2);
        plain.add("p3", 3);
        VlanModule fresh = new VlanModule(plain);
        fresh.activate();
        Datapath dp = new Datapath(fresh, 1, 2, 3);
        byte[] bytes = tagged(PCP5_DEI | 10);

        Map<Integer, byte[]> out = dp.forward(bytes, 2);

        assertEquals(Set.of(1, 3), ports(out));
        assertArrayEquals(bytes, out.get(1));
        assertArrayEquals(bytes, out.get(3));
        assertTrue(fresh.vlans().isEmpty());
        fresh.deactivate();
    }

    // ---- isolation ---------------------------------------------------------------------------------------------

    @Test
    void shouldNeverLeakBetweenVlansOrIntoUnconfiguredPorts() {
        Frame vlan10 = datapath.ingress(untagged(), A10);
        Frame vlan20 = datapath.ingress(untagged(), A20);
        Frame vlan30 = datapath.ingress(tagged(30), TRUNK30);
        Frame plain = datapath.ingress(untagged(), PLAIN);

        assertFalse(egressOf(vlan10).contains(A20));
        assertFalse(egressOf(vlan20).contains(A10) || egressOf(vlan20).contains(A10B));
        assertEquals(Set.of(NATIVE_UNTAGGED, TRUNK_ALL), egressOf(vlan30));
        for (Frame f : List.of(vlan10, vlan20, vlan30)) {
            assertFalse(egressOf(f).contains(PLAIN) || egressOf(f).contains(PLAIN2), "VLAN frames stay out");
        }
        assertEquals(Set.of(PLAIN2), egressOf(plain), "unconfigured frames stay out of VLANs");
    }

    // ---- configuration changes ---------------------------------------------------------------------------------

    @Test
    void shouldApplyConfigurationChangeAtTheNextBatchOnly() {
        module.onBatchStart();
        Frame before = datapath.classify(untagged(), A10);
        assertEquals(10, before.vlan());

        ports.setVlan("a10", VlanConfig.access(20));
        Frame sameBatch = datapath.classify(untagged(), A10);
        assertEquals(10, sameBatch.vlan(), "the batch in progress keeps the configuration it started with");
        assertArrayEquals(untagged(), datapath.write(sameBatch, A10B), "and egress tags by the same table");
        module.onBatchEnd();

        Frame nextBatch = datapath.ingress(untagged(), A10);
        assertEquals(20, nextBatch.vlan());
        assertEquals(Set.of(A20, TRUNK, NATIVE_UNTAGGED, NATIVE_TAGGED, TRUNK_ALL), egressOf(nextBatch));
    }

    @Test
    void shouldFollowPortsBeingConfiguredUnconfiguredAndRemoved() {
        ports.setVlan("plain", VlanConfig.access(10));
        assertTrue(egressOf(datapath.ingress(untagged(), A10)).contains(PLAIN));
        assertEquals(Set.of(), egressOf(datapath.ingress(untagged(), PLAIN2)), "plain2 is alone now");

        ports.setVlan("a10b", VlanConfig.NONE);
        Frame fromA10 = datapath.ingress(untagged(), A10);
        assertFalse(egressOf(fromA10).contains(A10B));
        assertEquals(Set.of(PLAIN2), egressOf(datapath.ingress(tagged(10), A10B)));

        ports.remove("trunk");
        assertFalse(egressOf(datapath.ingress(untagged(), A10)).contains(TRUNK));
        Frame fromRemoved = datapath.ingress(tagged(10), TRUNK);
        assertNull(fromRemoved.dropReason(), "a removed port's number is no longer configured");
        assertEquals(0, fromRemoved.vlan());
    }

    @Test
    void shouldKeepTheTableWhenAChangeDoesNotConcernVlans() {
        module.onBatchStart();
        ports.setConfig("a10", ports.port("a10").orElseThrow().config().withMtu(9000));
        module.onBatchEnd();
        Frame frame = datapath.ingress(untagged(), A10);
        assertEquals(10, frame.vlan());
    }

    // ---- operator view -----------------------------------------------------------------------------------------

    @Test
    void shouldListNamedVlansWithMembersAndFrameCounts() {
        datapath.ingress(untagged(), A10);
        datapath.ingress(tagged(10), TRUNK);
        datapath.ingress(tagged(99), TRUNK_ALL);
        datapath.ingress(tagged(30), TRUNK);

        List<VlanInfo> vlans = module.vlans();
        assertEquals(List.of(10, 20, 30, 99), vlans.stream().map(VlanInfo::vid).toList(),
                "named VLANs, plus 99 which carried a frame");
        VlanInfo v10 = vlans.get(0);
        assertEquals(List.of("a10", "a10b", "nu"), v10.untaggedPorts());
        assertEquals(List.of("all", "nt", "trunk"), v10.taggedPorts());
        assertEquals(2, v10.frames());
        assertEquals(0, module.vlan(30).orElseThrow().frames(), "a dropped frame is not counted");
        assertEquals(List.of("nu", "t30", "all").stream().sorted().toList(),
                module.vlan(30).orElseThrow().taggedPorts());
        assertEquals(1, module.vlan(99).orElseThrow().frames());
        assertEquals(List.of("all"), module.vlan(99).orElseThrow().taggedPorts());
        assertTrue(module.vlan(98).isEmpty());
        assertTrue(module.vlan(0).isEmpty());
        assertTrue(module.vlan(4095).isEmpty());
    }
}
