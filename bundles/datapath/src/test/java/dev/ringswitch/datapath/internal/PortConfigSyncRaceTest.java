package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.net.MacAddress;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.vlan.VlanConfig;
import dev.ringswitch.datapath.internal.support.FakeConfigAdmin;
import dev.ringswitch.testkit.InMemoryPortProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PortConfigSync} against the two ways a real system breaks it: a ConfigAdmin delivery that waited while the
 * operator removed the port, and a crash that left a port's file empty.
 */
class PortConfigSyncRaceTest {

    private static final String PID0 = "ringswitch.port~rsr0";

    @TempDir
    Path etc;
    @TempDir
    Path records;

    private final FakeConfigAdmin cm = new FakeConfigAdmin();
    private InMemoryPortProvider provider;
    private DatapathManager datapath;
    private PortConfigSync sync;

    private void boot(PortService ports) {
        boot(ports, null);
    }

    private void boot(PortService ports, ConfigEventThread events) {
        provider = new InMemoryPortProvider(64, 2048);
        datapath = new DatapathManager(provider);
        datapath.start(RingSettings.DEFAULTS);
        sync = new PortConfigSync(ports == null ? datapath : ports, datapath, cm, etc, records, events);
        if (events != null) {
            cm.addListener(sync);
        }
        sync.activate();
        cm.register(PortConfigProperties.FACTORY_PID, sync);
        cm.deliver();
    }

    @AfterEach
    void shutdown() {
        if (sync != null) {
            sync.deactivate();
            datapath.deactivate();
        }
        cm.close();
    }

    @Test
    void deliveryThatWaitedForARemoval_doesNotBringThePortBack() {
        // The sync sees the ports through a view whose first lookup of rsr0 lets the operator's removal win the
        // manager's lock: exactly what happens when port-remove runs while ConfigAdmin delivers port-add's echo.
        boolean[] raced = {false};
        PortService racing = new ForwardingPorts() {
            @Override
            public Optional<PortInfo> port(String name) {
                if (name.equals("rsr0") && !raced[0]) {
                    raced[0] = true;
                    // On the operator's thread, as in real life: its events are saved, not ignored as our own.
                    CompletableFuture.runAsync(() -> datapath.removePort("rsr0")).join();
                }
                return datapath.port(name);
            }
        };
        boot(racing);
        datapath.addPort(PortConfig.of("rsr0"));
        assertEquals(1, cm.pending(), "port-add's save queued its echo");

        assertEquals(1, cm.deliver(1));

        assertTrue(raced[0], "the echo looked the port up");
        assertTrue(datapath.port("rsr0").isEmpty(), "the removed port came back from a stale delivery");
        assertFalse(cm.pids().contains(PID0), "its configuration came back: " + cm.pids());
        cm.deliver();
        assertTrue(datapath.port("rsr0").isEmpty());
        datapath.addPort(PortConfig.of("rsr0"));
        assertTrue(datapath.port("rsr0").isPresent(), "the operator can add it again");
    }

    @Test
    void deliveryThatWaitedForARemoveAndAdd_keepsTheNewPortsSettings() {
        MacAddress oldMac = MacAddress.parse("02:52:53:00:00:01");
        MacAddress newMac = MacAddress.parse("02:52:53:00:00:02");
        boolean[] raced = {false};
        PortService racing = new ForwardingPorts() {
            @Override
            public Optional<PortInfo> port(String name) {
                if (name.equals("rsr0") && !raced[0]) {
                    raced[0] = true;
                    CompletableFuture.runAsync(() -> {
                        datapath.removePort("rsr0");
                        datapath.addPort(PortConfig.of("rsr0").withMac(newMac));
                    }).join();
                }
                return datapath.port(name);
            }
        };
        boot(racing);
        datapath.addPort(PortConfig.of("rsr0").withMac(oldMac));

        assertEquals(1, cm.deliver(1));

        assertTrue(raced[0]);
        assertEquals(newMac, datapath.port("rsr0").orElseThrow().config().mac(), "a stale delivery changed the MAC");
        assertEquals(newMac.toString(), cm.properties(PID0).get("mac"));
        cm.deliver();
        assertEquals(newMac, datapath.port("rsr0").orElseThrow().config().mac());
    }

    @Test
    void lateDeletionByFileInstall_ofAPortAddedAgain_keepsThePort() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();
        // The operator removes the port and adds it again; FileInstall, which saw the file gone in between, deletes
        // the configuration afterwards, while the new port and its file are in place.
        datapath.removePort("rsr0");
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();
        cm.getFactoryConfiguration(PortConfigProperties.FACTORY_PID, "rsr0", "?").delete();
        cm.deliver();

        assertTrue(datapath.port("rsr0").isPresent(), "a late deletion removed the new port");
        assertTrue(cm.pids().contains(PID0), "the new port is saved again: " + cm.pids());
        datapath.removePort("rsr0");
        assertFalse(cm.pids().contains(PID0));
    }

    @Test
    void lateDeletionLandingBeforeTheNewConfigurationIsSaved_keepsThePort() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();
        datapath.removePort("rsr0");
        // FileInstall, which saw the old port's file gone, deletes the new port's configuration as soon as the switch
        // has created it, and ConfigAdmin delivers the deletion while the switch is still saving (seen once in the
        // churn of 1,000 add/remove cycles: the new port was removed).
        cm.afterNextCreation(() -> {
            try {
                cm.getFactoryConfiguration(PortConfigProperties.FACTORY_PID, "rsr0", "?").delete();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cm.deliver();
        });
        List<PortEvent.Type> events = new CopyOnWriteArrayList<>();
        datapath.addListener(e -> events.add(e.type()));
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();

        // Removed and brought back by the configuration saved again would do: an operator's port-remove in between
        // found no port.
        assertEquals(List.of(PortEvent.Type.ADDED), events, "a deletion meant for the old port removed the new one");
        assertTrue(datapath.port("rsr0").isPresent());
        assertTrue(cm.pids().contains(PID0), "the new port is saved again: " + cm.pids());
        assertTrue(Files.isRegularFile(etc.resolve(PortConfigProperties.FACTORY_PID + "-rsr0.cfg")), "its file");
    }

    @Test
    void configurationDeletedBetweenLookupAndSave_isSavedAnew() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();
        // FileInstall, acting on an earlier removal of the same name, deletes the configuration just after the
        // switch found it and before it reads and updates it (seen in a churn of 1,000 add/remove cycles).
        cm.deleteWhenListed(PID0);
        datapath.updatePort(datapath.port("rsr0").orElseThrow().config().withMtu(1400));

        Map<String, Object> saved = cm.properties(PID0);
        assertEquals("1400", saved == null ? null : String.valueOf(saved.get("mtu")), "saved in a new configuration");
        cm.deliver();
        assertEquals(1400, datapath.port("rsr0").orElseThrow().config().mtu(), "the late deletion kept the port");
        assertTrue(cm.pids().contains(PID0), "and its configuration: " + cm.pids());
    }

    @Test
    void configurationDeletedBetweenLookupAndRemoval_leavesNoFile() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0"));
        cm.deliver();
        Path file = etc.resolve(PortConfigProperties.FACTORY_PID + "-rsr0.cfg");
        assertTrue(Files.exists(file));
        cm.deleteWhenListed(PID0);
        datapath.removePort("rsr0");
        cm.deliver();

        assertFalse(Files.exists(file), "the removed port's file is left and would bring it back");
        assertFalse(cm.pids().contains(PID0), cm.pids().toString());
        assertTrue(datapath.port("rsr0").isEmpty());
    }

    @Test
    void removalRightAfterAChange_waitsForFileInstallToFinishWithTheFile() throws Exception {
        // As FileInstall does on ConfigAdmin's event thread: hear that rsr0's configuration changed, then, a moment
        // later, read its file to write the change back. The port is removed within that moment.
        Path file = etc.resolve(PortConfigProperties.FACTORY_PID + "-rsr0.cfg");
        List<String> writeBacks = new CopyOnWriteArrayList<>();
        cm.addListener(event -> {
            if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getPid().equals(PID0)) {
                LockSupport.parkNanos(200_000_000L);
                writeBacks.add(Files.isRegularFile(file) ? "file read" : "file gone before it was read");
            }
        });
        boot(null, new ConfigEventThread(cm));

        datapath.addPort(PortConfig.of("rsr0"));
        datapath.removePort("rsr0");

        assertEquals(List.of("file read"), writeBacks, "the removal returned before FileInstall was done");
        assertFalse(Files.exists(file), "the removed port's file is left");
        assertFalse(cm.pids().contains(PID0), cm.pids().toString());
    }

    @Test
    void portFileIsDeletedOnTheEventThread_beforeLaterEventsAreHandled() throws Exception {
        // ConfigAdmin's listeners hear of each event in turn, FileInstall among them: it checks and reads a port's
        // file while handling an event, so the file must not vanish during any listener's turn but between turns.
        Path file = etc.resolve(PortConfigProperties.FACTORY_PID + "-rsr0.cfg");
        boot(null, new ConfigEventThread(cm));
        List<String> seenWithTheMarker = new CopyOnWriteArrayList<>();
        cm.addListener(event -> {
            if (event.getPid().equals(ConfigEventThread.PID)) {
                seenWithTheMarker.add(Files.exists(file) ? "file there" : "file gone");
            }
        });
        datapath.addPort(PortConfig.of("rsr0"));

        datapath.removePort("rsr0");
        // The removal returns once its action has run; the later listener's turn for that event comes after.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seenWithTheMarker.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000L);
        }

        assertEquals(List.of("file gone"), seenWithTheMarker,
                "a listener hearing of the same event as the removal saw the file");
        assertFalse(cm.pids().contains(PID0), cm.pids().toString());
    }

    @Test
    void portFileEmptiedByACrash_isRestoredFromTheRecord() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0").withMtu(1400).withVlan(VlanConfig.access(10)));
        PortConfig before = datapath.port("rsr0").orElseThrow().config();
        cm.deliver();
        assertTrue(Files.readString(records.resolve("rsr0.properties")).contains("mtu = 1400"));
        shutdown();
        sync = null;

        // kill -9 while FileInstall rewrote the file: the file is empty, and so is the configuration read from it.
        Path file = etc.resolve("ringswitch.port-rsr0.cfg");
        Files.writeString(file, "");
        Configuration config = cm.getFactoryConfiguration(PortConfigProperties.FACTORY_PID, "rsr0", "?");
        Dictionary<String, Object> emptied = new Hashtable<>();
        emptied.put(PortConfigSync.FILEINSTALL_FILENAME, file.toUri().toString());
        config.update(emptied);
        boot(null);

        assertEquals(before, datapath.port("rsr0").orElseThrow().config(), "settings after the restart");
        assertEquals("1400", cm.properties(PID0).get("mtu"), "the configuration is whole again");
        try (Stream<Path> files = Files.list(etc)) {
            assertEquals(List.of("ringswitch.port-rsr0.cfg"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left in etc/");
        }
    }

    @Test
    void emptyFileOfANewPort_meansDefaultSettings() throws Exception {
        boot(null);
        Configuration config = cm.getFactoryConfiguration(PortConfigProperties.FACTORY_PID, "rsr1", "?");
        config.update(new Hashtable<>());
        cm.deliver();
        assertEquals(PortConfig.of("rsr1").vlan(), datapath.port("rsr1").orElseThrow().config().vlan());
        assertEquals(1500, datapath.port("rsr1").orElseThrow().config().mtu());
    }

    @Test
    void removedPort_leavesNoRecord() throws Exception {
        boot(null);
        datapath.addPort(PortConfig.of("rsr0"));
        assertTrue(Files.exists(records.resolve("rsr0.properties")));
        datapath.removePort("rsr0");
        assertFalse(Files.exists(records.resolve("rsr0.properties")));
    }

    /** A {@link PortService} that forwards to the datapath; tests override what they need. */
    private class ForwardingPorts implements PortService {
        @Override
        public List<PortInfo> ports() {
            return datapath.ports();
        }

        @Override
        public Optional<PortInfo> port(String name) {
            return datapath.port(name);
        }

        @Override
        public String nameOf(int number) {
            return datapath.nameOf(number);
        }

        @Override
        public void addListener(PortListener listener) {
            datapath.addListener(listener);
        }

        @Override
        public void removeListener(PortListener listener) {
            datapath.removeListener(listener);
        }
    }
}
