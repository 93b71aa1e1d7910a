package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.datapath.ModuleInfo;
import dev.ringswitch.api.module.Band;
import dev.ringswitch.api.module.Frame;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.TapPort;
import dev.ringswitch.datapath.internal.support.TestModule;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The datapath over real TAP ports ({@link TestSwitch#overTaps()}) between two network namespaces whose
 * kernel IP stacks play the hosts: ARP and a sequence-numbered UDP stream cross the switch, with and without modules,
 * and while modules come and go.
 */
class TapEndToEndTest {

    private static final String PORT_A = "rsd-e2e-a";
    private static final String PORT_B = "rsd-e2e-b";
    private static final String IP_A = "10.231.77.1";
    private static final String IP_B = "10.231.77.2";
    private static final int UDP_PORT = 45_001;
    private static final int HOST_A_QUEUE = 25_000;

    private TestSwitch sw;
    private NetworkNamespace hostA;
    private NetworkNamespace hostB;
    private Path script;

    @BeforeEach
    void setUp() throws IOException {
        Privileges.requireRoot("the TAP end-to-end test");
        script = Files.createTempFile("rsd-udp-stream", ".py");
        try (InputStream in = getClass().getResourceAsStream("/udp_stream.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        sw = TestSwitch.overTaps();
        sw.admin().addPort(PortConfig.of(PORT_A));
        sw.admin().addPort(PortConfig.of(PORT_B));
        hostA = NetworkNamespace.create("rsd-ns-a");
        hostB = NetworkNamespace.create("rsd-ns-b");
        hostA.adopt(PORT_A, IP_A + "/24");
        hostB.adopt(PORT_B, IP_B + "/24");
        // Host A's TAP queues frames until the switch reads them; 1,000 by default, 100 ms of a 10,000/s stream. Make
        // it hold a whole stream, so a switch thread the machine starves of CPU for a while loses nothing there and
        // a missing datagram means the switch lost it. (With the machine's CPUs kept busy, 1,134 were lost here.)
        hostA.ip("link", "set", "dev", PORT_A, "txqueuelen", Integer.toString(HOST_A_QUEUE));
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (sw != null) {
                sw.close();
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
    void shouldResolveArpAndCarryUdpWithoutModules() throws Exception {
        assertEquals(200, stream(200, 2_000, () -> { }));
        String neighbour = hostA.ip("neigh", "show", IP_B);
        String macB = hostB.mac(PORT_B);
        assertTrue(neighbour.contains(macB), "host A learned B's MAC over ARP through the switch: " + neighbour);
        PortCounters a = sw.ports().port(PORT_A).orElseThrow().counters();
        assertTrue(a.rxPackets() >= 200 && a.txPackets() >= 1, a.toString());
        // The switch kept up, and the kernel's count is read although the TAP now lives in host A's namespace.
        assertEquals(0, sw.ports().kernelQueueDrops(PORT_A));
        assertEquals(TapPort.UNKNOWN_COUNT, sw.ports().kernelQueueDrops("rsd-e2e-none"));
    }

    @Test
    void shouldCarryUdpThroughLearningModule() throws Exception {
        LearningDirector director = new LearningDirector();
        TestModule observer = new TestModule("e2e-observer", Band.OBSERVER, 0, f -> { });
        sw.addModule(director);
        sw.addModule(observer);
        assertEquals(2_000, stream(2_000, 10_000, () -> { }));
        assertTrue(director.directed.get() >= 2_000, "unicast frames directed: " + director.directed.get());
        assertTrue(observer.processed.get() >= 2_000);
        assertTrue(sw.datapath().modules().stream().allMatch(m -> m.exceptions() == 0 && m.state()
                == ModuleInfo.State.ACTIVE));
    }

    @Test
    void shouldLoseNoFrameWhileModulesComeAndGo() throws Exception {
        int frames = 20_000;
        int[] rounds = {0};
        long received = stream(frames, 10_000, () -> {
            LearningDirector director = new LearningDirector();
            sw.addModule(director);
            sw.removeModule(director);
            rounds[0]++;
        });
        assertEquals(frames, received, () -> "every datagram sent arrived while modules were swapped " + rounds[0]
                + " times; " + whereFramesWentMissing());
        assertTrue(rounds[0] >= 10, "swaps during the stream: " + rounds[0]);
    }

    /**
     * Says which of the three places a datagram can be lost on its way counted it: host A's TAP queue (the switch did
     * not read in time), the switch (by reason), or host B's UDP socket (the receiver did not read in time).
     */
    private String whereFramesWentMissing() {
        StringBuilder where = new StringBuilder("kernel queue drops on ").append(PORT_A).append(": ")
                .append(sw.ports().kernelQueueDrops(PORT_A)).append("; switch drops: ")
                .append(sw.datapath().portDrops()).append("; host B ");
        try {
            String snmp = hostB.run("cat", "/proc/net/snmp");
            snmp.lines().filter(l -> l.startsWith("Udp:")).forEach(l -> where.append(l).append(' '));
        } catch (RuntimeException e) {
            where.append("UDP counters unreadable: ").append(e.getMessage());
        }
        return where.toString();
    }

    /**
     * Streams UDP from host A to host B, running {@code meanwhile} in a loop until the sender is done.
     *
     * @return datagrams host B received
     */
    private long stream(int count, int rate, Runnable meanwhile) throws Exception {
        Process receiver = hostB.start("python3", script.toString(), "recv", Integer.toString(UDP_PORT),
                Integer.toString(count), "3");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            // Resolve ARP first with one datagram, so the stream does not queue behind an unresolved neighbour.
            hostA.run("python3", script.toString(), "send", IP_B, Integer.toString(UDP_PORT), "1", "1");
            Process sender = hostA.start("python3", script.toString(), "send", IP_B, Integer.toString(UDP_PORT),
                    Integer.toString(count), Integer.toString(rate));
            try {
                do {
                    meanwhile.run();
                } while (!sender.waitFor(10, TimeUnit.MILLISECONDS));
                assertEquals(0, sender.exitValue(), new String(sender.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
            } finally {
                sender.destroy();
            }
            assertTrue(receiver.waitFor(60, TimeUnit.SECONDS), "receiver did not finish");
            String line = out.readLine();
            return Long.parseLong(line.trim());
        } finally {
            receiver.destroy();
        }
    }

    /** A minimal MAC-learning director: learns source MACs, sends known unicast to one port, floods the rest. */
    private static final class LearningDirector extends TestModule {
        final AtomicLong directed = new AtomicLong();
        private final Map<Long, Integer> table = new HashMap<>();

        LearningDirector() {
            super("e2e-learning", Band.DIRECTOR, 0, f -> { });
        }

        @Override
        public void process(Frame frame) {
            table.put(frame.source(), frame.ingressPort());
            long dst = frame.destination();
            Integer port = MacAddress.isMulticast(dst) ? null : table.get(dst);
            if (port != null) {
                frame.egress().retainOnly(port);
                directed.incrementAndGet();
            }
        }
    }
}
