package dev.ringswitch.tap.internal;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.ReadinessSelector;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.tap.internal.support.Frames;
import dev.ringswitch.tap.internal.support.LinuxNet;
import dev.ringswitch.tap.internal.support.PacketSocket;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The epoll selector on real TAPs: tokens of readable ports, level triggering, wake-up from another thread,
 * deregistration and close.
 */
class EpollReadinessSelectorTest {

    private static final String FIRST = "rst-e0";
    private static final String SECOND = "rst-e1";
    private static final int TIMEOUT_MILLIS = 5_000;

    private TapPortProvider provider;
    private ReadinessSelector selector;
    private TapPort first;
    private TapPort second;

    @BeforeEach
    void setUp() {
        Privileges.requireRoot("epoll selector tests on TAP devices");
        provider = new TapPortProvider();
        selector = provider.openSelector();
        first = openQuiet(FIRST, 0x02_52_53_00_00_e0L);
        second = openQuiet(SECOND, 0x02_52_53_00_00_e1L);
    }

    @AfterEach
    void tearDown() {
        if (provider != null) {
            provider.deactivate();
        }
        LinuxNet.deleteIfPresent(FIRST, SECOND);
    }

    @Test
    void shouldReportTheTokenOfTheReadablePortOnlyAndAgainUntilDrained() {
        selector.register(first, 11);
        selector.register(second, 22);
        LinuxNet.awaitOperational(SECOND, TIMEOUT_MILLIS);

        try (PacketSocket kernelSide = new PacketSocket(second.ifIndex())) {
            kernelSide.send(Frames.experimental(0x02_52_53_00_00_e1L, 0x02_52_53_00_00_f1L, 64));

            assertTrue(awaitToken(22), "token 22 reported once the frame is queued");
            // Level-triggered: nothing was read, so the port is still reported.
            assertTrue(awaitToken(22), "token 22 reported again before the port is drained");
        }
    }

    @Test
    void shouldReturnNothingWhenNoPortIsReady() {
        int[] tokens = new int[4];
        assertEquals(0, selector.select(tokens, 0));
        assertEquals(0, selector.select(tokens, 20));
    }

    @Test
    void shouldReturnFromABlockedSelectOnWakeup() throws InterruptedException {
        CountDownLatch returned = new CountDownLatch(1);
        AtomicInteger result = new AtomicInteger(-1);
        Thread selecting = Thread.ofPlatform().name("rst-select").start(() -> {
            result.set(selector.select(new int[4], -1));
            returned.countDown();
        });

        selector.wakeup();

        assertTrue(returned.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "select returned after wakeup");
        assertEquals(0, result.get(), "a wake-up reports no tokens");
        selecting.join(TIMEOUT_MILLIS);
        // The eventfd was drained: the next select blocks (here: times out) again.
        assertEquals(0, selector.select(new int[4], 0));
    }

    @Test
    void shouldStopReportingADeregisteredPort() {
        selector.register(first, 11);
        selector.deregister(first);
        selector.deregister(first);
        LinuxNet.awaitOperational(FIRST, TIMEOUT_MILLIS);

        try (PacketSocket kernelSide = new PacketSocket(first.ifIndex())) {
            kernelSide.send(Frames.experimental(0x02_52_53_00_00_e0L, 0x02_52_53_00_00_f1L, 64));
            assertEquals(0, selector.select(new int[4], 200));
        }
    }

    @Test
    void shouldCloseOnceAndRefuseToSelectAfterwards() {
        selector.register(first, 1);
        selector.close();
        selector.close();

        assertThrows(IllegalStateException.class, () -> selector.select(new int[4], 0));
        selector.deregister(first);
        selector.wakeup();
    }

    @Test
    void shouldRefuseBadTokensAndForeignPorts() {
        assertThrows(IllegalArgumentException.class, () -> selector.register(first, -1));
        assertThrows(IllegalArgumentException.class, () -> selector.select(new int[0], 0));
        first.close();
        assertThrows(IllegalArgumentException.class, () -> selector.register(first, 1));
    }

    /** Opens a port down, turns IPv6 off so that the kernel sends nothing on its own, then brings it up. */
    private TapPort openQuiet(String name, long mac) {
        TapPort port = provider.open(PortConfig.of(name).withMac(new MacAddress(mac)).withUp(false));
        LinuxNet.disableIpv6(name);
        port.setUp(true);
        return port;
    }

    private boolean awaitToken(int token) {
        int[] tokens = new int[4];
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            int n = selector.select(tokens, TIMEOUT_MILLIS);
            for (int i = 0; i < n; i++) {
                if (tokens[i] == token) {
                    return true;
                }
            }
        }
        return false;
    }
}
