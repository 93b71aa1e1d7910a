package dev.ringswitch.shell.internal;

import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VlanOptionsTest {

    private static final VlanConfig NATIVE = new VlanConfig(VlanMode.NATIVE_UNTAGGED, 10, VlanSet.of(10, 20));

    @Test
    void apply_nothingGiven_keepsTheCurrentConfiguration() {
        assertEquals(NATIVE, VlanOptions.apply(NATIVE, null, null, null));
        assertEquals(VlanConfig.NONE, VlanOptions.apply(VlanConfig.NONE, null, null, null));
    }

    @Test
    void apply_modeChange_keepsWhatStillApplies() {
        assertEquals(new VlanConfig(VlanMode.NATIVE_TAGGED, 10, VlanSet.of(10, 20)),
                VlanOptions.apply(NATIVE, "native-tagged", null, null));
        assertEquals(VlanConfig.trunk(VlanSet.of(10, 20)), VlanOptions.apply(NATIVE, "trunk", null, null));
        assertEquals(VlanConfig.access(10), VlanOptions.apply(NATIVE, "access", null, null));
        assertEquals(VlanConfig.access(30), VlanOptions.apply(VlanConfig.trunk(VlanSet.of(10)), "access", 30, null));
        assertEquals(new VlanConfig(VlanMode.NATIVE_UNTAGGED, 5, VlanSet.EMPTY),
                VlanOptions.apply(VlanConfig.access(7), "native-untagged", 5, null));
    }

    @Test
    void apply_none_removesTheVlanConfiguration() {
        assertEquals(VlanConfig.NONE, VlanOptions.apply(NATIVE, "none", null, null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VlanOptions.apply(NATIVE, "none", 10, null))
                .getMessage().startsWith("--vlan and --trunks need a mode"));
    }

    @Test
    void apply_badCombinations_failWithAPreciseMessage() {
        assertEquals("access mode needs a VLAN: add --vlan N (1..4094)", assertThrows(IllegalArgumentException.class,
                () -> VlanOptions.apply(VlanConfig.trunk(VlanSet.EMPTY), "access", null, null)).getMessage());
        assertEquals("--trunks applies to trunk and native-* ports, not to access ports",
                assertThrows(IllegalArgumentException.class,
                        () -> VlanOptions.apply(VlanConfig.NONE, "access", 10, "20")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> VlanOptions.apply(VlanConfig.NONE, "trunk", 10, null)).getMessage()
                .startsWith("trunk mode has no native VLAN"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> VlanOptions.apply(VlanConfig.NONE, "access", 5000, null)).getMessage()
                .startsWith("VLAN 5000 out of range"));
    }
}
