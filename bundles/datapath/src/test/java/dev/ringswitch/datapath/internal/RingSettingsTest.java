package dev.ringswitch.datapath.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals("invalid frameSize 64 in ringswitch.datapath: expected 128..65544 bytes", e.getMessage());
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
        assertEquals(2040, RingSettings.DEFAULTS.readCapacity());
        assertEquals(2018, RingSettings.DEFAULTS.maxMtu());
    }
}
