package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.datapath.internal.support.TestModule;
import dev.ringswitch.datapath.internal.support.Traffic;
import dev.ringswitch.tap.internal.TapPortProvider;
import dev.ringswitch.testkit.NetworkNamespace;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faulty modules on a switch of real TAP ports between two namespace hosts: a module that throws on every frame is
 * isolated after {@code moduleFailureThreshold} frames and the stream goes on; a module that blocks is isolated by
 * the watchdog, the ring goes on with a new worker, and a stream started afterwards loses nothing.
 */
class ModuleFaultTapTest {

    private static final String PORT_A = "rsr-fa";
    private static final String PORT_B = "rsr-fb";
    private static final String IP_B = "10.232.0.2";
    private static final int UDP_PORT = 45_101;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TapPortProvider provider;
    private DatapathManager datapath;
    private NetworkNamespace hostA;
    private NetworkNamespace hostB;
    private Path script;

    @BeforeEach
    void setUp() throws IOException {
        Privileges.requireRoot("faulty modules over TAP ports");
        script = Files.createTempFile("rsr-udp-stream", ".py");
        try (InputStream in = getClass().getResourceAsStream("/udp_stream.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        provider = new TapPortProvider();
        provider.activate();
        datapath = new DatapathManager(provider);
        datapath.start(RingSettings.DEFAULTS);
        datapath.guard(new GuardSettings(0, 500));
        datapath.addPort(PortConfig.of(PORT_A));
        datapath.addPort(PortConfig.of(PORT_B));
        hostA = NetworkNamespace.create("rsr-fna");
        hostB = NetworkNamespace.create("rsr-fnb");
        hostA.adopt(PORT_A, "10.232.0.1/24");
        hostB.adopt(PORT_B, IP_B + "/24");
        hostA.run("ping", "-c", "1", "-W", "2", IP_B);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (datapath != null) {
                datapath.deactivate();
            }
            if (provider != null) {
                provider.deactivate();
            }
        } finally {
            if (hostA != null) {
                hostA.close();
            }
            if (hostB != null) {
                hostB.close();
            }
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
    }

    @Test
    void aModuleThatThrowsOnEveryFrameIsIsolatedAndTheStreamGoesOn() throws Exception {
        TestModule thrower = new TestModule("thrower", Band.OBSERVER, 0, f -> {
            throw new IllegalStateException("broken on purpose");
        });
        datapath.addModule(thrower, "test/1");
        long received = stream(2000, 2000);
        ModuleInfo info = datapath.modules().getFirst();
        assertEquals(ModuleInfo.State.FAILED, info.state());
        assertEquals(RingSettings.DEFAULT_MODULE_FAILURE_THRESHOLD, info.exceptions());
        assertTrue(received >= 2000 - RingSettings.DEFAULT_MODULE_FAILURE_THRESHOLD,
                "only the frames before the isolation are lost: " + received);
        assertEquals(2000, stream(2000, 2000), "a stream after the isolation loses nothing");
    }

    @Test
    void aModuleThatBlocksIsIsolatedByTheWatchdogAndTheRingGoesOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong calls = new AtomicLong();
        TestModule blocker = new TestModule("blocker", Band.DIRECTOR, 0, f -> {
            if (calls.incrementAndGet() == 500) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        datapath.addModule(blocker, "test/1");
        try {
            long during = stream(3000, 1000);
            assertEquals(ModuleInfo.State.FAILED, datapath.modules().getFirst().state());
            assertTrue(during > 1500, "the stream went on after the stall: " + during + " of 3000");
            assertTrue(datapath.portDrops().getFirst().rxDrops(DropReason.MODULE_ERROR) >= 1,
                    "the stuck burst is counted");
            assertEquals(2000, stream(2000, 2000), "a stream after the stall loses nothing");
        } finally {
            release.countDown();
        }
        Traffic.await("the abandoned worker ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("ringswitch-worker-abandoned")), WAIT);
        datapath.removeModule(blocker);
        assertEquals(0, blocker.stops.get(), "a stalled module's onStop is never called");
        assertEquals(1000, stream(1000, 2000));
    }

    /** Streams UDP from host A to host B and returns the datagrams host B received. */
    private long stream(int count, int rate) throws Exception {
        Process receiver = hostB.start("python3", script.toString(), "recv", Integer.toString(UDP_PORT),
                Integer.toString(count), "2");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            hostA.run("python3", script.toString(), "send", IP_B, Integer.toString(UDP_PORT),
                    Integer.toString(count), Integer.toString(rate));
            assertTrue(receiver.waitFor(60, TimeUnit.SECONDS), "receiver did not finish");
            return Long.parseLong(out.readLine().trim());
        } finally {
            receiver.destroy();
        }
    }
}
