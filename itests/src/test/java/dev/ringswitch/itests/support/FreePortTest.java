package dev.ringswitch.itests.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An instance's ports are chosen one after another and bound only when Karaf boots; the kernel alone once offered the
 * same port twice (the RMI registry and the metrics endpoint collided, and the boot logged an ERROR).
 */
class FreePortTest {

    @Test
    void neverHandsOutAPortTwice() throws IOException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = KarafInstance.freePort();
            assertTrue(seen.add(port), "port " + port + " handed out twice, after " + i + " others");
        }
    }
}
