package dev.ringswitch.itests;

import dev.ringswitch.itests.support.CommandResult;
import dev.ringswitch.itests.support.KarafInstance;
import dev.ringswitch.itests.support.LogAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Module features install and uninstall at runtime, and never refresh (restart) the core bundles; a module jar
 * dropped into deploy/ joins the pipeline, and leaves it when the jar is removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureHotDeployTest {

    private static final List<String> MODULE_FEATURES = List.of("ringswitch-l2", "ringswitch-vlan");
    private static final List<String> CORE_BUNDLES = List.of("ringswitch-api", "ringswitch-tap",
            "ringswitch-datapath");

    private static final String VERSION = System.getProperty("ringswitch.version", "0.1.0-SNAPSHOT");

    private KarafInstance karaf;

    @BeforeAll
    void boot() throws Exception {
        karaf = KarafInstance.prepare("hotdeploy").start();
    }

    @AfterAll
    void shutdown() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void moduleFeaturesInstallAndUninstallWithoutRefreshingTheCore() throws Exception {
        String coreBefore = coreBundleLines();
        int logStart = karaf.karafLog().length();
        for (int round = 0; round < 2; round++) {
            for (String feature : MODULE_FEATURES) {
                CommandResult install = karaf.admin("feature:install " + feature);
                assertEquals("", install.all().strip(), install::toString);
                assertTrue(installedFeatures().contains(feature + " "), () -> feature + " not installed");
            }
            String bundles = karaf.admin("bundle:list -t 0").out();
            assertTrue(bundles.lines().anyMatch(l -> l.contains("RingSwitch :: L2 Learning") && l.contains("Active")),
                    bundles);
            assertTrue(bundles.lines().anyMatch(l -> l.contains("RingSwitch :: VLAN") && l.contains("Active")),
                    bundles);
            for (String feature : MODULE_FEATURES) {
                CommandResult uninstall = karaf.admin("feature:uninstall " + feature);
                assertEquals("", uninstall.all().strip(), uninstall::toString);
                assertFalse(installedFeatures().contains(feature + " "), () -> feature + " still installed");
            }
            assertFalse(karaf.admin("bundle:list -t 0").out().contains("RingSwitch :: L2 Learning"));
        }
        for (String feature : MODULE_FEATURES) {
            assertEquals("", karaf.admin("feature:install " + feature).all().strip(), "reinstalling " + feature);
        }
        String log = karaf.karafLog().substring(logStart);
        for (String line : log.split("\n")) {
            for (String core : CORE_BUNDLES) {
                assertFalse(line.contains("Refreshing") && line.contains(core), () -> "core refreshed: " + line);
            }
        }
        assertEquals(coreBefore, coreBundleLines(), "core bundles changed (id, state or version)");
        LogAssertions.assertNoErrors(karaf);
    }

    @Test
    void aModuleJarDroppedInDeployJoinsThePipelineAndLeavesWhenRemoved() throws Exception {
        if (installedFeatures().contains("ringswitch-l2 ")) {
            assertEquals("", karaf.admin("feature:uninstall ringswitch-l2").all().strip());
        }
        assertFalse(moduleList().contains("l2-learning"), "l2-learning still in the pipeline");
        Path jar = karaf.home().resolve("system/dev/ringswitch/ringswitch-l2-learning/" + VERSION
                + "/ringswitch-l2-learning-" + VERSION + ".jar");
        Path dropped = karaf.home().resolve("deploy/ringswitch-l2-learning.jar");
        try {
            Files.copy(jar, dropped);
            awaitModuleList(true);
            Files.delete(dropped);
            awaitModuleList(false);
        } finally {
            Files.deleteIfExists(dropped);
            karaf.admin("feature:install ringswitch-l2");
        }
        LogAssertions.assertNoErrors(karaf);
    }

    private void awaitModuleList(boolean present) throws Exception {
        // FileInstall polls deploy/ once a second.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (moduleList().contains("l2-learning") != present) {
            assertTrue(System.nanoTime() < deadline, () -> "l2-learning " + (present ? "never joined" : "never left")
                    + " module-list");
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private String moduleList() throws Exception {
        CommandResult list = karaf.admin("ringswitch:module-list");
        assertEquals(0, list.exitStatus(), list::toString);
        return list.out();
    }

    private String installedFeatures() throws Exception {
        return karaf.admin("feature:list -i").out();
    }

    /** The core bundles' lines (id, state, level, version): any refresh or restart shows up as a change. */
    private String coreBundleLines() throws Exception {
        StringBuilder sb = new StringBuilder();
        karaf.admin("bundle:list -t 0 -s").out().lines()
                .filter(l -> CORE_BUNDLES.stream().anyMatch(c -> l.contains(c + " ") || l.endsWith(c)))
                .forEach(l -> sb.append(l).append('\n'));
        assertFalse(sb.isEmpty(), "no core bundles listed");
        return sb.toString();
    }
}
