package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.net.Ipv4Prefix;
import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.api.vlan.VlanMode;
import dev.ringswitch.api.vlan.VlanSet;
import dev.ringswitch.datapath.internal.support.FakeConfigAdmin;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortConfigSyncTest {

    private static final String PID0 = "ringswitch.port~rsc0";
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:aa:01");

    @TempDir
    Path etc;

    private final FakeConfigAdmin cm = new FakeConfigAdmin();
    private InMemoryPortProvider provider;
    private DatapathManager datapath;
    private PortConfigSync sync;

    @BeforeEach
    void start() {
        boot();
    }

    @AfterEach
    void stop() {
        shutdown();
    }

    /** Starts a switch as DS would: datapath, then the sync, which ConfigAdmin then feeds. */
    private void boot() {
        provider = new InMemoryPortProvider(64, 2048);
        datapath = new DatapathManager(provider);
        datapath.start(RingSettings.DEFAULTS);
        sync = new PortConfigSync(datapath, datapath, cm, etc);
        sync.activate();
        cm.register(PortConfigProperties.FACTORY_PID, sync);
        cm.deliver();
    }

    /** Stops it as Karaf's shutdown does: the sync first, then the datapath, which closes every port. */
    private void shutdown() {
        sync.deactivate();
        datapath.deactivate();
    }

    private PortConfig port(String name) {
        return datapath.port(name).orElseThrow(() -> new AssertionError("no port " + name)).config();
    }

    private static Dictionary<String, Object> props(Object... keyValues) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            out.put((String) keyValues[i], keyValues[i + 1]);
        }
        return out;
    }

    private List<String> etcFiles() throws Exception {
        try (Stream<Path> files = Files.list(etc)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void addedPort_isSavedWithTheSettingsItRunsWith_andAFileInEtc() throws Exception {
        datapath.addPort(PortConfig.of("rsc0").withMtu(1400).withIpv4(Ipv4Prefix.parse("10.0.0.1/24"))
                .withVlan(new VlanConfig(VlanMode.NATIVE_UNTAGGED, 10, VlanSet.parse("10,20-30"))));

        Map<String, Object> saved = cm.properties(PID0);
        assertNotNull(saved, "no configuration " + PID0 + " in " + cm.pids());
        MacAddress mac = port("rsc0").mac();
        File file = etc.resolve("ringswitch.port-rsc0.cfg").toFile();
        assertEquals(Map.of("mtu", "1400", "mac", mac.toString(), "address", "10.0.0.1/24", "up", "true",
                "persistent", "false", "mode", "native-untagged", "vlan", "10", "trunks", "10,20-30",
                PortConfigSync.FILEINSTALL_FILENAME, file.getAbsoluteFile().toURI().toString()), saved);
        String text = Files.readString(file.toPath(), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("#\n# A RingSwitch port"), text);
        assertTrue(text.endsWith("mtu = 1400\nmac = " + mac + "\naddress = 10.0.0.1/24\nup = true\n"
                + "persistent = false\nmode = native-untagged\nvlan = 10\ntrunks = 10,20-30\n"), text);

        // ConfigAdmin's echo of the save changes nothing.
        PortConfig before = port("rsc0");
        assertEquals(1, cm.deliver());
        assertEquals(before, port("rsc0"));
        assertEquals(0, cm.pending());
    }

    @Test
    void failedAdd_leavesNoConfigurationAndNoFile() throws Exception {
        provider.failNextOpen(new PortException.PermissionDenied("rsc0", "open(/dev/net/tun)", 1,
                "rsc0: open(/dev/net/tun) failed: EPERM"));
        assertThrows(PortException.class, () -> datapath.addPort(PortConfig.of("rsc0")));
        assertEquals(Set.of(), cm.pids());
        assertEquals(List.of(), etcFiles());
    }

    @Test
    void updatedAndRemovedPorts_updateAndDeleteTheirConfiguration() throws Exception {
        datapath.addPort(PortConfig.of("rsc0"));
        cm.deliver();
        datapath.updatePort(port("rsc0").withMtu(1000).withUp(false).withVlan(VlanConfig.access(7)));
        Map<String, Object> saved = cm.properties(PID0);
        assertEquals("1000", saved.get("mtu"));
        assertEquals("false", saved.get("up"));
        assertEquals("access", saved.get("mode"));
        assertEquals("7", saved.get("vlan"));
        cm.deliver();
        assertEquals(1000, port("rsc0").mtu());

        IllegalArgumentException move = assertThrows(IllegalArgumentException.class,
                () -> datapath.updatePort(port("rsc0").withNetns("rsc-h0")));
        assertTrue(move.getMessage().contains("remove the port and add it again"), move.getMessage());

        datapath.removePort("rsc0");
        assertNull(cm.properties(PID0));
        assertEquals(List.of(), etcFiles());
        cm.deliver();
        assertTrue(datapath.port("rsc0").isEmpty());
    }

    @Test
    void savedPorts_comeBackAfterARestart_withTheSameSettings() {
        datapath.addPort(PortConfig.of("rsc0").withMtu(1400).withVlan(VlanConfig.access(10))
                .withStormControlPps(500));
        datapath.addPort(PortConfig.of("rsc1").withMac(MAC).withUp(false).withIpv4(Ipv4Prefix.parse("10.0.0.2/24"))
                .withNetns("rsc-h1"));
        PortConfig rsc0 = port("rsc0");
        PortConfig rsc1 = port("rsc1");
        assertEquals("rsc-h1", rsc1.netns());
        assertEquals("rsc-h1", cm.properties(PortConfigProperties.pidOf("rsc1")).get("netns"));
        assertEquals("500", cm.properties(PortConfigProperties.pidOf("rsc0")).get("stormControlPps"));
        assertFalse(cm.properties(PortConfigProperties.pidOf("rsc1")).containsKey("stormControlPps"),
                "the switch-wide limit is not written into the port's file");
        cm.deliver();

        shutdown();
        assertEquals(2, cm.pids().size(), "shutting down deleted configurations");
        boot();

        assertEquals(List.of("rsc0", "rsc1"), datapath.ports().stream().map(PortInfo::name).toList());
        assertEquals(rsc0, port("rsc0"));
        assertEquals(rsc1, port("rsc1"));
        assertEquals(rsc0.mac(), provider.require("rsc0").mac(), "a random MAC must stay the same");
        assertEquals(0, cm.pending(), "the restart rewrote configurations");
    }

    @Test
    void editedConfiguration_reconfiguresTheRunningPort() throws Exception {
        datapath.addPort(PortConfig.of("rsc0"));
        cm.deliver();
        Configuration config = cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?");
        Dictionary<String, Object> edited = config.getProperties();
        edited.put("mtu", "1280");
        edited.put("mode", "trunk");
        edited.put("trunks", "100-102");
        edited.put("mac", "02-00-00-00-AA-01");
        edited.put("stormControlPps", "0");
        config.update(edited);
        cm.deliver();

        PortConfig now = port("rsc0");
        assertEquals(0, now.stormControlPps(), "a port exempt from the switch-wide limit");
        assertEquals(1280, now.mtu());
        assertEquals(MAC, now.mac());
        assertEquals(VlanConfig.trunk(VlanSet.parse("100-102")), now.vlan());
        assertEquals(1280, provider.require("rsc0").mtu());
        assertEquals(MAC.toString(), cm.properties(PID0).get("mac"), "the spelling was not normalised");
    }

    @Test
    void droppedConfiguration_addsAPort_andGetsTheMacTheKernelChose() throws Exception {
        cm.getFactoryConfiguration("ringswitch.port", "rsc5", "?").update(props("mtu", 1400, "up", true));
        cm.deliver();
        PortConfig added = port("rsc5");
        assertEquals(1400, added.mtu());
        assertEquals(added.mac().toString(), cm.properties("ringswitch.port~rsc5").get("mac"));
        assertEquals("1400", cm.properties("ringswitch.port~rsc5").get("mtu"));
    }

    @Test
    void deletedConfiguration_removesThePort() throws Exception {
        datapath.addPort(PortConfig.of("rsc0"));
        cm.deliver();
        // As FileInstall does when the operator deletes the file (a deletion with the file still in place, right
        // after the port was saved, is taken for FileInstall acting late on an older removal; see the race test).
        Files.delete(etc.resolve("ringswitch.port-rsc0.cfg"));
        cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?").delete();
        cm.deliver();
        assertTrue(datapath.port("rsc0").isEmpty());
        assertTrue(provider.require("rsc0").isClosed());
        assertEquals(Set.of(), cm.pids());
    }

    @Test
    void configurationDeletedAndRecreated_beforeDelivery_keepsThePortWithTheNewSettings() throws Exception {
        datapath.addPort(PortConfig.of("rsc0"));
        cm.deliver();
        cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?").delete();
        cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?").update(props("mtu", "1300"));
        cm.deliver();
        assertEquals(1300, port("rsc0").mtu());
        assertEquals("1300", cm.properties(PID0).get("mtu"));
    }

    @Test
    void invalidConfiguration_changesNothing() throws Exception {
        datapath.addPort(PortConfig.of("rsc0").withMtu(1400));
        cm.deliver();
        Configuration config = cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?");
        for (Object[] bad : List.of(new Object[] {"mtu", "abc"}, new Object[] {"mtu", "20"},
                new Object[] {"mac", "01:00:5e:00:00:01"}, new Object[] {"vlan", "5000"},
                new Object[] {"mode", "hybrid"}, new Object[] {"trunks", "10-"}, new Object[] {"up", "maybe"},
                new Object[] {"stormControlPps", "-5"}, new Object[] {"stormControlPps", "fast"})) {
            Dictionary<String, Object> edited = config.getProperties();
            edited.put((String) bad[0], bad[1]);
            config.update(edited);
            cm.deliver();
            assertEquals(1400, port("rsc0").mtu(), () -> bad[0] + " = " + bad[1]);
            assertEquals(bad[1], cm.properties(PID0).get(bad[0]), "the operator's edit was overwritten");
        }
        cm.getFactoryConfiguration("ringswitch.port", "bad", "?").update(props("mtu", "99999"));
        cm.deliver();
        assertTrue(datapath.port("bad").isEmpty());
    }

    @Test
    void persistenceChange_reCreatesThePort_andKeepsTheOperatorsFile() throws Exception {
        Path file = etc.resolve("ringswitch.port-rsc0.cfg");
        Files.writeString(file, "# mine\nmac = " + MAC + "\n");
        Configuration config = cm.getFactoryConfiguration("ringswitch.port", "rsc0", "?");
        config.update(props("mac", MAC.toString(), PortConfigSync.FILEINSTALL_FILENAME,
                file.toFile().getAbsoluteFile().toURI().toString()));
        cm.deliver();
        assertFalse(port("rsc0").persistent());

        Dictionary<String, Object> edited = config.getProperties();
        edited.put("persistent", "true");
        config.update(edited);
        cm.deliver();
        assertTrue(port("rsc0").persistent());
        assertTrue(provider.require("rsc0").persistentAtOpen(), "not reopened as persistent");
        assertEquals(MAC, port("rsc0").mac());
        assertEquals("true", cm.properties(PID0).get("persistent"));
        assertEquals("# mine\nmac = " + MAC + "\n", Files.readString(file), "re-creating the port replaced the file");
    }

    @Test
    void unnamedFactoryConfiguration_usesItsNameKey_andKeepsGettingSaved() throws Exception {
        Configuration config = cm.createFactoryConfiguration("ringswitch.port", "?");
        config.update(props("name", "rsc7", "mtu", "1400"));
        cm.deliver();
        assertEquals(1400, port("rsc7").mtu());

        datapath.updatePort(port("rsc7").withMtu(1300));
        assertEquals("1300", cm.properties(config.getPid()).get("mtu"));
        assertEquals("rsc7", cm.properties(config.getPid()).get("name"));
        assertNull(cm.properties("ringswitch.port~rsc7"), "saved to a second configuration");

        config.delete();
        cm.deliver();
        assertTrue(datapath.port("rsc7").isEmpty());
    }

    @Test
    void existingFile_isNotRewrittenByTheSwitch() throws Exception {
        Path file = etc.resolve("ringswitch.port-rsc3.cfg");
        Files.writeString(file, "# mine\nmtu = 1400\n");
        String uri = file.toFile().getAbsoluteFile().toURI().toString();
        cm.getFactoryConfiguration("ringswitch.port", "rsc3", "?")
                .update(props("mtu", "1400", PortConfigSync.FILEINSTALL_FILENAME, uri));
        cm.deliver();
        assertEquals(1400, port("rsc3").mtu());
        // FileInstall, not the switch, writes configuration changes into an existing file.
        assertEquals("# mine\nmtu = 1400\n", Files.readString(file));
        assertEquals(uri, cm.properties("ringswitch.port~rsc3").get(PortConfigSync.FILEINSTALL_FILENAME));
        assertEquals(new File(URI.create(uri)), file.toFile().getAbsoluteFile());
        assertFalse(cm.properties("ringswitch.port~rsc3").get("mac").toString().isEmpty());
    }
}
