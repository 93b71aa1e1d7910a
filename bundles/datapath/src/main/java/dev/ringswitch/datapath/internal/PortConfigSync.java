package dev.ringswitch.datapath.internal;

import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortEvent;
import dev.ringswitch.api.port.PortException;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortListener;
import dev.ringswitch.api.port.PortService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the switch's ports and their ConfigAdmin configurations in step, both ways, so that ports survive restarts and
 * {@code etc/ringswitch.port-NAME.cfg} files (or {@code config:edit}) reconfigure the running switch.
 *
 * <h2>Design</h2>
 *
 * <h3>What it maps</h3>
 * One factory configuration of PID {@value PortConfigProperties#FACTORY_PID} per port, named after the port
 * ({@code ringswitch.port~tap0}; keys in {@link PortConfigProperties}). Karaf keeps it in
 * {@code etc/ringswitch.port-tap0.cfg}: Felix FileInstall turns the file into the configuration (and a dropped,
 * edited or deleted file into a created, updated or deleted one) and writes configuration changes back into the file.
 *
 * <h3>Configuration to ports</h3>
 * The component is the factory's {@link ManagedServiceFactory}: ConfigAdmin hands it every existing configuration when
 * it starts (that is how ports come back after a restart) and every change after, one at a time on its update thread.
 * {@link #updated} adds the port, or changes it in place with {@link PortAdminService#updatePort} (removing and
 * re-adding it only for what needs a reopen: persistence, multi-queue); {@link #deleted} removes it. A configuration
 * that cannot be applied (bad value, kernel refusal) is logged with its file and leaves the port as it was.
 *
 * <h3>Ports to configuration</h3>
 * The component is also a {@link PortListener}. A port added, changed or removed through {@link PortAdminService} by
 * anyone else (the shell) is saved: the port's configuration is written with the settings the port <em>runs</em> with
 * (kernel-chosen name, MTU and MAC included, so a random MAC stays the same across restarts), or deleted. Events come
 * on the thread that made the change, after it succeeded, so a failed {@code port-add} leaves no configuration, and a
 * successful one returns with its configuration written. ConfigAdmin does not create files, so for a new port the
 * file is written here, as Karaf's {@code config:edit} does: {@code etc/ringswitch.port-NAME.cfg} plus the
 * {@code felix.fileinstall.filename} property that ties it to the configuration; FileInstall keeps it up to date from
 * then on and deletes it with the configuration.
 *
 * <h3>Complication: echoes</h3>
 * Each side's change comes back from the other: saving a port makes ConfigAdmin call {@link #updated}; applying a
 * configuration fires port events. Both directions are idempotent: {@link #updated} compares the wanted settings with
 * the running port and does nothing when they agree, and saving uses {@link Configuration#updateIfDifferent}, so an
 * echo dies after one round. Changes this component makes itself are marked (a thread-local flag: port events arrive
 * synchronously on the changing thread) and not saved by the listener, so that removing a port because its
 * configuration was deleted never deletes a configuration re-created in the meantime. After a configuration is applied,
 * what the port runs with is written back (only if it differs): the configuration always describes the running port.
 *
 * <h3>Complication: stale deliveries</h3>
 * ConfigAdmin delivers asynchronously, so a delivery may describe a configuration that has changed or gone since.
 * {@link #updated} therefore reads the configuration's current properties and acts on those, and {@link #deleted}
 * removes the port only if no configuration for it exists any more.
 *
 * <h3>Complication: a removal racing a delivery</h3>
 * A delivery may wait while an operator removes the port, or removes and adds it again: {@link #updated} found the
 * configuration, then the operator's change (under the port manager's lock) replaced or deleted it. Acting on what
 * was read first would resurrect a removed port (and make the operator's next {@code port-add} fail) or give a new
 * port an old incarnation's random MAC. So {@link #updated} looks at the port first and reads the configuration
 * after: looking at the port takes the manager's lock, so a change that had begun is complete, and what is read
 * after it is at least as new as the port. A change the operator makes after that fails the add as a duplicate (the
 * delivery then goes the update path) or the update as a missing port (nothing left to do: logged at DEBUG).
 *
 * <h3>Complication: FileInstall acting on an older removal</h3>
 * Removing a port deletes its file; FileInstall, scanning once a second, deletes the configuration of a file it
 * finds gone. A port removed and added again around one of its scans gets a new configuration and file, and then
 * FileInstall's deletion, meant for the old port, lands on the new configuration. A deletion that arrives within
 * {@link #LATE_DELETION_NANOS} of this component creating the configuration, while the port and its file exist, is
 * taken for that, and the port is saved again instead of removed.
 *
 * <h3>Complication: FileInstall's write-back</h3>
 * FileInstall writes a changed configuration back into its file on ConfigAdmin's event thread: it checks that the
 * file exists, reads it, and rewrites it. A port removed while such an event is pending (a script's {@code port-add}
 * then {@code port-remove}) would lose its file between the check and the read ("Unable to save configuration" in the
 * log) or have it written again after the removal, and a later scan would bring the port back. So a removal deletes
 * the file, and after it the configuration, on ConfigAdmin's event thread ({@link ConfigEventThread}), after the
 * events queued before it: FileInstall's check and read are never split by the deletion, every later check finds the
 * file gone, and a scan never finds the file without its configuration.
 *
 * <h3>Complication: crashes while a file is written</h3>
 * FileInstall writes a configuration back into its file by truncating and rewriting it, and ConfigAdmin replaces its
 * own copy by deleting it before renaming the new one: a {@code kill -9} between the two steps leaves an empty port
 * file and no stored configuration, and the port would come back with default settings. So every save also writes
 * the port's settings to a record of its own in the bundle's data area ({@code ports/NAME.properties}), replaced
 * atomically (written to a temporary file, forced to disk, renamed over the old one), and written before the
 * configuration and file. A configuration that arrives with none of the port keys (an emptied file) for a port that
 * has a record is restored from the record, with a WARN naming both files; without a record it is a new port with
 * default settings, as an operator's empty file means.
 *
 * <h3>Thread-safety rules</h3>
 * ConfigAdmin calls {@link #updated} and {@link #deleted} one at a time; the listener runs on any thread that changes
 * ports, under the port manager's lock, and touches only ConfigAdmin and files, never this component's locks (there are
 * none), so it cannot deadlock with an update in progress. The PID-to-port map is concurrent. A removal waits, still
 * under the port manager's lock, for ConfigAdmin's event thread; that thread takes none of our locks unless it is
 * reconfiguring one of our components (Declarative Services does that on it) in a way that needs the port manager, and
 * then the wait ends after {@link #FILE_HANDOFF_TIMEOUT_NANOS} and the removal deletes the file itself.
 *
 * <p>Lifecycle: shutting down or restarting the switch deactivates this component before the port manager and changes
 * no configuration; only explicit removals delete one.
 */
@Component(service = {ManagedServiceFactory.class, ConfigurationListener.class}, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Constants.SERVICE_PID + "=" + PortConfigProperties.FACTORY_PID)
public final class PortConfigSync implements ManagedServiceFactory, PortListener, ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(PortConfigSync.class);

    /** Attempts to save a port whose configuration another party keeps deleting meanwhile (see {@link #save}). */
    private static final int SAVE_ATTEMPTS = 3;

    /** Property that ties a configuration to its file in etc/, as FileInstall and Karaf's config commands set it. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    /**
     * How long after creating a port's configuration a deletion of it, with the port's file in place, is taken for
     * FileInstall acting late on an earlier removal of the file: a few of its one-second scans.
     */
    static final long LATE_DELETION_NANOS = 5_000_000_000L;

    /**
     * The longest a removal waits for ConfigAdmin's event thread to delete the port's file (see {@link #forget}). A
     * wait that long means the thread is busy elsewhere; the removal then goes ahead on its own thread.
     */
    static final long FILE_HANDOFF_TIMEOUT_NANOS = 2_000_000_000L;

    /** Directory in the bundle's data area that holds one record per port. */
    static final String RECORDS_DIR = "ports";

    /** Set while this component changes ports itself, on the thread doing it: those events are not saved. */
    private static final ThreadLocal<Boolean> APPLYING = ThreadLocal.withInitial(() -> false);

    private final PortService ports;
    private final PortAdminService admin;
    private final ConfigurationAdmin configAdmin;
    private final Path etc;
    private final Path records;
    private final ConfigEventThread events;
    private final Map<String, String> nameByPid = new ConcurrentHashMap<>();
    /** When this component last created each port's configuration ({@code System.nanoTime()}). */
    private final Map<String, Long> createdAt = new ConcurrentHashMap<>();
    private volatile boolean active;

    /**
     * DS constructor.
     *
     * @param ports the port manager's read side
     * @param admin its write side
     * @param configAdmin where the configurations live
     * @param context for {@code karaf.etc}, the directory that new port files go to
     */
    @Activate
    public PortConfigSync(@Reference PortService ports, @Reference PortAdminService admin,
                          @Reference ConfigurationAdmin configAdmin, BundleContext context) {
        this(ports, admin, configAdmin, etcOf(context.getProperty("karaf.etc")), recordsOf(context),
                new ConfigEventThread(configAdmin));
    }

    private static Path recordsOf(BundleContext context) {
        File data = context.getDataFile(RECORDS_DIR);
        return data == null ? null : data.toPath();
    }

    /**
     * @param ports the port manager's read side
     * @param admin its write side
     * @param configAdmin where the configurations live
     * @param etc directory for new port files, or {@code null} to keep configurations in ConfigAdmin only
     */
    PortConfigSync(PortService ports, PortAdminService admin, ConfigurationAdmin configAdmin, Path etc) {
        this(ports, admin, configAdmin, etc, null);
    }

    /**
     * @param ports the port manager's read side
     * @param admin its write side
     * @param configAdmin where the configurations live
     * @param etc directory for new port files, or {@code null} to keep configurations in ConfigAdmin only
     * @param records directory for the crash-safe records of the ports' settings, or {@code null} for none
     */
    PortConfigSync(PortService ports, PortAdminService admin, ConfigurationAdmin configAdmin, Path etc,
                   Path records) {
        this(ports, admin, configAdmin, etc, records, null);
    }

    /**
     * @param ports the port manager's read side
     * @param admin its write side
     * @param configAdmin where the configurations live
     * @param etc directory for new port files, or {@code null} to keep configurations in ConfigAdmin only
     * @param records directory for the crash-safe records of the ports' settings, or {@code null} for none
     * @param events what runs file deletions on ConfigAdmin's event thread (this component passes its configuration
     *               events on to it), or {@code null} to delete files on the removing thread
     */
    PortConfigSync(PortService ports, PortAdminService admin, ConfigurationAdmin configAdmin, Path etc,
                   Path records, ConfigEventThread events) {
        this.ports = Objects.requireNonNull(ports, "ports");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.configAdmin = Objects.requireNonNull(configAdmin, "configAdmin");
        this.etc = etc;
        this.records = records;
        this.events = events;
    }

    private static Path etcOf(String dir) {
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** DS activation: starts saving port changes; ConfigAdmin then delivers the saved ports. */
    @Activate
    void activate() {
        active = true;
        // Saves ports that exist without a configuration (none at boot); for the others this is a no-op.
        ports.addListener(this);
        LOG.info("Started port configuration sync (factory PID {}, files in {})", PortConfigProperties.FACTORY_PID,
                etc == null ? "ConfigAdmin only" : etc);
    }

    /** DS deactivation: stops saving; the ports and their configurations stay as they are. */
    @Deactivate
    void deactivate() {
        active = false;
        ports.removeListener(this);
        LOG.info("Stopped port configuration sync");
    }

    @Override
    public String getName() {
        return "RingSwitch ports";
    }

    // ---- configuration to ports ------------------------------------------------------------------------------------

    @Override
    public void updated(String pid, Dictionary<String, ?> delivered) {
        if (!active) {
            return;
        }
        Configuration config = find(pid);
        if (config == null) {
            // Deleted since ConfigAdmin queued this delivery; deleted() follows.
            return;
        }
        String source = describe(pid, config);
        String name;
        try {
            name = PortConfigProperties.portName(pid, processed(config, delivered));
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; the port is left as it is", source, e.getMessage());
            return;
        }
        APPLYING.set(true);
        try {
            String previous = nameByPid.put(pid, name);
            if (previous != null && !previous.equals(name) && ports.port(previous).isPresent()) {
                admin.removePort(previous);
                LOG.info("port {}: removed: {} now names port {}", previous, source, name);
            }
            // The port first, then the configuration: looking at the port takes the manager's lock, so an operator's
            // change that had begun is complete, and the configuration read after it is at least as new as the port.
            Optional<PortInfo> current = ports.port(name);
            Configuration now = find(pid);
            if (now == null) {
                // Removed (port and configuration) while this delivery waited; deleted() follows.
                return;
            }
            Dictionary<String, ?> properties = processed(now, delivered);
            PortConfig wanted;
            try {
                wanted = PortConfigProperties.parse(name, restoredIfEmptied(name, properties, source));
            } catch (IllegalArgumentException e) {
                LOG.error("{}: {}; the port is left as it is", source, e.getMessage());
                return;
            }
            PortInfo port = apply(name, wanted, current, source);
            if (port != null && !PortConfigProperties.toProperties(port.config()).equals(ours(properties))) {
                save(port.config());
            }
        } catch (IllegalArgumentException | IllegalStateException | PortException e) {
            if (ports.port(name).isEmpty() && find(pid) == null) {
                LOG.debug("{}: port {} was removed while the configuration was applied: {}", source, name,
                        e.getMessage());
            } else {
                LOG.error("{}: cannot apply it to port {}: {}", source, name, e.getMessage());
            }
        } finally {
            APPLYING.set(false);
        }
    }

    /**
     * A configuration with none of the port keys is an emptied file, if the port has a record: the record's settings
     * replace it.
     *
     * @return the properties to apply
     */
    private Dictionary<String, ?> restoredIfEmptied(String name, Dictionary<String, ?> properties, String source) {
        if (records == null || PortConfigProperties.KEYS.stream().anyMatch(k -> properties.get(k) != null)) {
            return properties;
        }
        Path record = records.resolve(name + ".properties");
        if (!Files.isRegularFile(record)) {
            return properties;
        }
        Properties saved = new Properties();
        try (Reader in = Files.newBufferedReader(record, StandardCharsets.ISO_8859_1)) {
            saved.load(in);
        } catch (IOException e) {
            LOG.error("port {}: {} holds no settings and its record {} cannot be read ({}); using defaults", name,
                    source, record, e.getMessage());
            return properties;
        }
        Hashtable<String, Object> restored = new Hashtable<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            restored.put(key, properties.get(key));
        }
        saved.forEach((k, v) -> restored.put(k.toString(), v));
        LOG.warn("port {}: {} holds no settings (was the switch killed while writing it?); restored from {}", name,
                source, record);
        return restored;
    }

    /**
     * @param current the port as seen before the configuration was read
     * @return the port after the change, or {@code null} if there was nothing to change
     */
    private PortInfo apply(String name, PortConfig wanted, Optional<PortInfo> current, String source) {
        if (current.isEmpty()) {
            try {
                PortInfo added = admin.addPort(wanted);
                LOG.info("port {}: added from {}", name, source);
                return added;
            } catch (IllegalArgumentException e) {
                if (ports.port(name).isEmpty()) {
                    throw e;
                }
                // The operator added it meanwhile: reconcile as for any port that exists.
                current = ports.port(name);
                if (current.isEmpty()) {
                    return null;
                }
            }
        }
        PortConfig have = current.orElseThrow().config();
        // Absent MTU and MAC mean "the kernel's choice" when the port is created, and "unchanged" after.
        PortConfig target = wanted.withMtu(wanted.mtu() == 0 ? have.mtu() : wanted.mtu())
                .withMac(wanted.mac() == null ? have.mac() : wanted.mac());
        if (target.equals(have)) {
            return current.get();
        }
        if (target.persistent() == have.persistent() && target.multiQueue() == have.multiQueue()
                && target.vnetHdr() == have.vnetHdr() && Objects.equals(target.netns(), have.netns())) {
            PortInfo updated = admin.updatePort(target);
            LOG.info("port {}: reconfigured from {}", name, source);
            return updated;
        }
        admin.removePort(name);
        try {
            PortInfo reopened = admin.addPort(target);
            LOG.info("port {}: re-created from {} (persistence, multi-queue or namespace changed)", name, source);
            return reopened;
        } catch (IllegalArgumentException | IllegalStateException | PortException e) {
            admin.addPort(have);
            throw e;
        }
    }

    @Override
    public void deleted(String pid) {
        if (!active) {
            return;
        }
        String known = nameByPid.remove(pid);
        String name = known != null ? known : PortConfigProperties.nameInPid(pid);
        Optional<PortInfo> port = name == null ? Optional.empty() : ports.port(name);
        if (port.isEmpty() || configOf(name) != null) {
            // Not ours, already gone, or re-created since: an update for the new configuration follows.
            return;
        }
        Long created = createdAt.get(name);
        if (etc != null && Files.isRegularFile(fileFor(name)) && created != null
                && System.nanoTime() - created < LATE_DELETION_NANOS) {
            // FileInstall deletes a configuration when a scan finds its file gone. A port removed and added again
            // around one of its scans has a new configuration and its file back by the time that deletion lands: the
            // deletion is about the old port. Save the new one again.
            LOG.debug("port {}: its new configuration was deleted while its file is there (a late deletion by"
                    + " FileInstall); saving it again", name);
            save(port.get().config());
            return;
        }
        APPLYING.set(true);
        try {
            admin.removePort(name);
            LOG.info("port {}: removed: its configuration {} was deleted", name, pid);
        } catch (IllegalArgumentException e) {
            LOG.info("port {}: already removed ({})", name, e.getMessage());
        } finally {
            APPLYING.set(false);
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (events != null) {
            events.configurationEvent(event);
        }
    }

    // ---- ports to configuration ------------------------------------------------------------------------------------

    @Override
    public void portChanged(PortEvent event) {
        if (!active || APPLYING.get()) {
            return;
        }
        switch (event.type()) {
            case ADDED, UPDATED -> save(event.port().config());
            case REMOVED -> forget(event.port().name());
            default -> {
                // No other kinds of change exist.
            }
        }
    }

    /**
     * Writes a port's configuration: the one it came from, else its named one, created with a file in etc/.
     *
     * @param port the port as it runs
     */
    private void save(PortConfig port) {
        String name = port.name();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    Configuration config = saveOnce(port);
                    LOG.debug("port {}: saved as {}", name, describe(config.getPid(), config));
                    nameByPid.put(config.getPid(), name);
                    return;
                } catch (IllegalStateException deleted) {
                    // Deleted between our lookup and our update (FileInstall acting on an older removal of the
                    // same name): the next attempt finds it gone and saves into a new one.
                    if (attempt == SAVE_ATTEMPTS) {
                        throw deleted;
                    }
                    LOG.debug("port {}: its configuration was deleted while being saved; saving again", name);
                }
            }
        } catch (IOException | IllegalStateException e) {
            LOG.error("port {}: could not save its configuration ({}); it will not come back after a restart", name,
                    e.getMessage());
        }
    }

    /**
     * One attempt of {@link #save}.
     *
     * @return the configuration saved into
     * @throws IllegalStateException if another party deleted the configuration meanwhile
     */
    private Configuration saveOnce(PortConfig port) throws IOException {
        String name = port.name();
        String text = PortConfigProperties.fileText(port);
        // The record first: whatever a crash interrupts later, the settings are on disk in one piece.
        if (records != null) {
            writeAtomically(records.resolve(name + ".properties"), text);
        }
        File file = etc == null ? null : fileFor(name).toFile();
        Configuration config = configOf(name);
        boolean created = config == null;
        if (created) {
            // The file before the configuration: a deletion FileInstall meant for an older port of this name may land
            // on the new configuration as soon as it exists, and deleted() takes it for that only if the file is
            // there (see "FileInstall acting on an older removal"). Written after, two forced writes could still be
            // under way when the deletion arrived, and the new port was removed (seen once in the churn test).
            if (file != null) {
                writeAtomically(file.toPath(), text);
            }
            config = configAdmin.getFactoryConfiguration(PortConfigProperties.FACTORY_PID, name, "?");
            createdAt.put(name, System.nanoTime());
        }
        Dictionary<String, Object> current = config.getProperties();
        Hashtable<String, Object> next = current == null ? new Hashtable<>() : copy(current);
        PortConfigProperties.KEYS.forEach(next::remove);
        next.putAll(PortConfigProperties.toProperties(port));
        if (file != null && fileOf(next) == null) {
            if (!created) {
                writeAtomically(file.toPath(), text);
            }
            // The same spelling as FileInstall's, so that it finds this configuration when it reads the file.
            next.put(FILEINSTALL_FILENAME, file.getAbsoluteFile().toURI().toString());
        }
        config.updateIfDifferent(next);
        return config;
    }

    /** Deletes a removed port's configuration, its file and its record. */
    private void forget(String name) {
        try {
            if (records != null) {
                Files.deleteIfExists(records.resolve(name + ".properties"));
            }
            Configuration config = configOf(name);
            if (config == null) {
                return;
            }
            nameByPid.remove(config.getPid());
            File file;
            try {
                file = fileOf(config.getProperties());
            } catch (IllegalStateException alreadyDeleted) {
                // FileInstall deleted it between our lookup and now. Its file may be left.
                file = etc == null ? null : fileFor(name).toFile();
            }
            File doomed = file;
            // The file goes first, so that no FileInstall scan finds it without its configuration and makes a new
            // one, and on ConfigAdmin's event thread, where FileInstall writes changes back into it (see "FileInstall's
            // write-back").
            ConfigEventThread.Action removal = () -> {
                if (doomed != null) {
                    Files.deleteIfExists(doomed.toPath());
                }
                try {
                    config.delete();
                } catch (IllegalStateException alreadyDeleted) {
                    // FileInstall deleted it (a scan found its file gone): what we came to do.
                }
            };
            if (events == null) {
                removal.run();
            } else if (!events.runAfterQueuedEvents(removal, FILE_HANDOFF_TIMEOUT_NANOS)) {
                LOG.debug("port {}: ConfigAdmin's event thread was busy for {} ms; deleted {} from this thread", name,
                        FILE_HANDOFF_TIMEOUT_NANOS / 1_000_000, file);
            }
            LOG.debug("port {}: deleted its configuration", name);
        } catch (IOException | IllegalStateException e) {
            LOG.error("port {}: could not delete its configuration ({}); it will come back after a restart", name,
                    e.getMessage());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** @return the file in etc/ that holds a port's configuration */
    private Path fileFor(String name) {
        return etc.resolve(PortConfigProperties.FACTORY_PID + "-" + name + ".cfg");
    }

    /**
     * Replaces a file so that a crash leaves either the old or the new content, never a part: the text goes to a
     * temporary file in the same directory (a name FileInstall ignores), is forced to disk, and is renamed over the
     * target.
     */
    private static void writeAtomically(Path target, String text) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
            out.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return the configuration a port came from or was saved to, or {@code null} */
    private Configuration configOf(String name) {
        for (Map.Entry<String, String> e : nameByPid.entrySet()) {
            if (e.getValue().equals(name)) {
                Configuration config = find(e.getKey());
                if (config != null) {
                    return config;
                }
            }
        }
        return find(PortConfigProperties.pidOf(name));
    }

    /** @return the configuration with this PID if it exists (has properties), else {@code null} */
    private Configuration find(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "="
                    + escapeFilterValue(pid) + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot look up configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    private static Dictionary<String, ?> processed(Configuration config, Dictionary<String, ?> delivered) {
        Dictionary<String, Object> props = config.getProcessedProperties(null);
        return props != null ? props : delivered;
    }

    /** @return our keys of a configuration, as strings, for comparison with what a port would save */
    private static Map<String, String> ours(Dictionary<String, ?> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : PortConfigProperties.KEYS) {
            Object value = properties.get(key);
            if (value != null) {
                out.put(key, value.toString());
            }
        }
        return out;
    }

    private static Hashtable<String, Object> copy(Dictionary<String, Object> properties) {
        Hashtable<String, Object> out = new Hashtable<>();
        for (String key : Collections.list(properties.keys())) {
            out.put(key, properties.get(key));
        }
        return out;
    }

    /** @return the existing file a configuration is tied to, or {@code null} */
    private static File fileOf(Dictionary<String, ?> properties) {
        Object value = properties == null ? null : properties.get(FILEINSTALL_FILENAME);
        if (value == null) {
            return null;
        }
        try {
            File file = new File(URI.create(value.toString()));
            return file.isFile() ? file : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return e.g. {@code ringswitch.port~tap0 (etc/ringswitch.port-tap0.cfg)}, for log lines */
    private String describe(String pid, Configuration config) {
        File file = fileOf(config.getProperties());
        if (file == null) {
            return pid;
        }
        Path path = file.toPath();
        Path shown = etc != null && etc.getParent() != null && path.startsWith(etc.getParent())
                ? etc.getParent().relativize(path) : path;
        return pid + " (" + shown + ")";
    }

    private static String escapeFilterValue(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
