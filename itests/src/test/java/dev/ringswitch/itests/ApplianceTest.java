package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appliance boots on JDK 25 and operates cleanly: the foundation's acceptance checks, over SSH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplianceTest {

    private KarafInstance karaf;

    @BeforeAll
    void boot() throws Exception {
        karaf = KarafInstance.prepare("appliance").start();
    }

    @AfterAll
    void shutdown() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void bootsWithoutErrorLines() throws Exception {
        LogAssertions.assertNoErrors(karaf);
    }

    @Test
    void runsOnJdk25WithTheCompatAgent() throws Exception {
        CommandResult version = karaf.admin("system:property java.specification.version");
        assertEquals("25", version.out().strip(), version::toString);
        CommandResult patched = karaf.admin("system:property karaf.jdk25compat.patched");
        assertTrue(patched.out().contains("org.apache.karaf.util.jaas.JaasHelper"), patched::toString);
    }

    /**
     * bin/setenv asks for transparent huge pages (Java heap, code cache, malloc) when the kernel offers them: the JVM
     * gets the flag and the malloc tunable, and its heap is really backed by huge pages. Without THP neither is set.
     */
    @Test
    void usesHugePagesWhenTheKernelOffersThem() throws Exception {
        Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String thp = Files.exists(mode) ? Files.readString(mode) : "";
        boolean offered = thp.contains("[always]") || thp.contains("[madvise]");
        Path proc = Path.of("/proc", Long.toString(karaf.javaPid()));
        String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
        String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
        assertEquals(offered, cmdline.contains("-XX:+UseTransparentHugePages"),
                () -> "THP mode " + thp.strip() + ", JVM -XX options: " + Stream.of(cmdline.split("\0"))
                        .filter(o -> o.startsWith("-XX:")).toList());
        assertEquals(offered, environ.contains("glibc.malloc.hugetlb=1"),
                () -> "THP mode " + thp.strip() + ", GLIBC_TUNABLES not as expected");
        if (offered) {
            long hugeKb = Files.readAllLines(proc.resolve("smaps_rollup")).stream()
                    .filter(l -> l.startsWith("AnonHugePages:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).sum();
            assertTrue(hugeKb >= 2048, () -> "no huge pages in the JVM: AnonHugePages " + hugeKb + " kB");
        }
    }

    @Test
    void projectBundlesAreActive() throws Exception {
        CommandResult list = karaf.admin("bundle:list -t 0");
        List<String> ours = list.out().lines().filter(l -> l.contains("RingSwitch ::")).toList();
        assertFalse(ours.isEmpty(), list::toString);
        assertTrue(ours.stream().anyMatch(l -> l.contains("RingSwitch :: API")), list::toString);
        for (String line : ours) {
            assertTrue(line.contains("Active"), () -> "not Active: " + line + "\n" + list);
        }
    }

    @Test
    void whoamiPrintsTheLoggedInUser() throws Exception {
        CommandResult whoami = karaf.admin("jaas:whoami");
        assertTrue(whoami.out().contains(KarafInstance.ADMIN), whoami::toString);
        CommandResult viewer = karaf.exec(KarafInstance.VIEWER, KarafInstance.VIEWER_PASSWORD, "jaas:whoami");
        assertTrue(viewer.out().contains(KarafInstance.VIEWER), viewer::toString);
    }

    @Test
    void viewerMayListButNotStopBundles() throws Exception {
        CommandResult list = karaf.exec(KarafInstance.VIEWER, KarafInstance.VIEWER_PASSWORD, "bundle:list");
        assertTrue(list.out().contains("RingSwitch :: API"), list::toString);

        String apiId = bundleId("RingSwitch :: API");
        CommandResult stop = karaf.exec(KarafInstance.VIEWER, KarafInstance.VIEWER_PASSWORD, "bundle:stop " + apiId);
        assertTrue(stop.all().contains("Command not found") || stop.all().contains("Insufficient credentials"),
                stop::toString);
        assertTrue(karaf.admin("bundle:list -t 0").out().lines()
                .anyMatch(l -> l.contains("RingSwitch :: API") && l.contains("Active")), "the viewer stopped it");
    }

    @Test
    void sshListensOnLoopbackOnly() throws Exception {
        List<String> listeners = listeningAddresses(karaf.sshPort());
        assertEquals(List.of("127.0.0.1"), listeners, "SSH must listen on loopback only");
    }

    /** The local addresses of listening TCP sockets on {@code port}, from /proc/net/tcp and tcp6. */
    private static List<String> listeningAddresses(int port) throws Exception {
        String hexPort = String.format(":%04X", port);
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
                    String hex = f[1].substring(0, f[1].indexOf(':'));
                    // IPv4 (or IPv4-mapped IPv6): the last 4 bytes, little-endian per 32-bit word.
                    String v4 = hex.substring(hex.length() - 8);
                    boolean mapped = hex.length() == 8 || hex.startsWith("0000000000000000FFFF0000");
                    addresses.add(mapped ? Integer.parseInt(v4.substring(6, 8), 16) + "."
                            + Integer.parseInt(v4.substring(4, 6), 16) + "." + Integer.parseInt(v4.substring(2, 4), 16)
                            + "." + Integer.parseInt(v4.substring(0, 2), 16) : "[" + hex + "]");
                }
            }
        }
        return addresses;
    }

    private String bundleId(String name) throws Exception {
        CommandResult list = karaf.admin("bundle:list -t 0");
        return list.out().lines().filter(l -> l.contains(name)).findFirst()
                .map(l -> l.split("\\|")[0].replaceAll("[^0-9]", ""))
                .orElseThrow(() -> new AssertionError("no bundle " + name + " in\n" + list));
    }
}
