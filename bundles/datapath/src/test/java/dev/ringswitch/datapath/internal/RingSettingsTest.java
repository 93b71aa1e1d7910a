package dev.ringswitch.datapath.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingSettingsTest {

    @Test
    void shouldValidateWithPreciseMessages() {
        RingSettings d = RingSettings.DEFAULTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(1000,
                d.frameSize(), d.ingressBatch(), d.workerBatch(), d.waitStrategy(), 1, 1));
        assertEquals("invalid ringSize 1000 in ringswitch.datapath: expected a power of two in 2..65536",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(64, 64, 1, 1, d.waitStrategy(), 1,
                1));
        assertEquals("invalid frameSize 64 in ringswitch.datapath: expected 128..65568 bytes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RingSettings(64, 2048, 1, 65, d.waitStrategy(), 1,
                1));
        assertEquals("invalid workerBatch 65 in ringswitch.datapath: expected 1..ringSize (64)", e.getMessage());
    }

    @Test
    void shouldParseWaitStrategies() {
        assertEquals(WaitStrategyKind.LITE_BLOCKING, WaitStrategyKind.parse(RingSettings.DEFAULT_WAIT_STRATEGY));
        assertEquals(WaitStrategyKind.BUSY_SPIN, WaitStrategyKind.parse(" Busy-Spin "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WaitStrategyKind.parse("spin"));
        assertEquals("invalid waitStrategy 'spin' in ringswitch.datapath: expected one of lite-blocking, blocking,"
                + " sleeping, yielding, busy-spin", e.getMessage());
    }

    @Test
    void shouldDeriveLimitsFromFrameSize() {
        assertEquals(65544, RingSettings.DEFAULTS.readCapacity());
        assertEquals(65522, RingSettings.DEFAULTS.maxMtu());
        assertTrue(RingSettings.DEFAULTS.offloadsActive());
        RingSettings small = new RingSettings(64, 2048, 1, 1, WaitStrategyKind.BLOCKING, 1, 1, true);
        assertEquals(2024, small.readCapacity());
        assertEquals(2002, small.maxMtu());
        assertFalse(small.offloadsActive(), "a slot that cannot hold a GSO frame turns offloads off");
        assertTrue(small.describe().contains("offloads=off (frameSize below 65568)"), small.describe());
    }
}
