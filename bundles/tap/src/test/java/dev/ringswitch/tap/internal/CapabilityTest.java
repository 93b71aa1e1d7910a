package dev.ringswitch.tap.internal;

import dev.ringswitch.api.port.PortException;
import dev.ringswitch.tap.internal.support.LinuxNet;
import dev.ringswitch.tap.internal.support.OpenPortMain;
import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opening a port without CAP_NET_ADMIN. The capability cannot be dropped inside the test JVM, so a child JVM runs
 * {@link OpenPortMain} under {@code setpriv} (util-linux) with CAP_NET_ADMIN removed from its bounding set: as root
 * it can still open /dev/net/tun, and TUNSETIFF then fails with EPERM.
 */
class CapabilityTest {

    private static final String NAME = "rst-n0";
    private static final String SETPRIV = "/usr/bin/setpriv";

    @BeforeEach
    void setUp() {
        Privileges.requireRoot("the capability test (it drops CAP_NET_ADMIN from root)");
        if (!Files.isExecutable(Path.of(SETPRIV))) {
            String missing = SETPRIV + " (package util-linux) is missing";
            if (Privileges.isCi()) {
                throw new AssertionError("CI=true but " + missing);
            }
            Assumptions.abort("skipped: " + missing);
        }
    }

    @AfterEach
    void tearDown() {
        LinuxNet.deleteIfPresent(NAME);
    }

    @Test
    void shouldExplainThatCapNetAdminIsNeeded() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(SETPRIV, "--inh-caps=-all", "--bounding-set=-net_admin",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                OpenPortMain.class.getName(), NAME);

        LinuxNet.Result result = LinuxNet.runAllowingFailure(command.toArray(String[]::new));

        String output = result.output();
        assertTrue(output.contains("FAILED " + PortException.PermissionDenied.class.getName()), output);
        assertTrue(output.contains(NAME + ": ioctl(TUNSETIFF) failed: EPERM (Operation not permitted); creating and"
                + " configuring TAP devices needs CAP_NET_ADMIN (run as root, or grant the capability"), output);
        assertTrue(output.contains("/dev/net/tun must exist and be readable and writable"), output);
        assertFalse(LinuxNet.exists(NAME), "nothing was created");
    }
}
