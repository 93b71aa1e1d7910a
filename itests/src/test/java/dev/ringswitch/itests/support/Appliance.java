package dev.ringswitch.itests.support;

import dev.ringswitch.testkit.NetworkNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers for tests that put the appliance's ports to work: hosts in network namespaces, the kernel's view of an
 * interface, and instance settings that let several instances run side by side.
 */
public final class Appliance {

    /** How long a change in etc/ may take to reach the switch: FileInstall polls once a second. */
    public static final Duration FILE_DELAY = Duration.ofSeconds(20);

    private static final Pattern MAC = Pattern.compile("link/ether ([0-9a-f:]{17})");

    private Appliance() {
    }

    /**
     * Prepares and starts an instance whose metrics endpoint listens on a free port.
     *
     * @param name the instance's directory name
     * @return the running instance
     * @throws Exception if it does not come up
     */
    public static KarafInstance start(String name) throws Exception {
        KarafInstance karaf = KarafInstance.prepare(name);
        useFreeMetricsPort(karaf);
        return karaf.start();
    }

    /**
     * Gives the instance's metrics endpoint a free port, so that a test instance does not collide with another
     * (the bind failure is logged as an ERROR).
     *
     * @param karaf a prepared, not yet started instance
     * @throws IOException if the file cannot be edited
     */
    public static void useFreeMetricsPort(KarafInstance karaf) throws IOException {
        Path cfg = karaf.home().resolve("etc/ringswitch.metrics.cfg");
        if (Files.exists(cfg)) {
            Files.writeString(cfg, Files.readString(cfg).replaceAll("(?m)^port\\s*=.*$",
                    "port = " + KarafInstance.freePort()));
        }
    }

    /**
     * A host behind a switch port: a namespace (IPv6 off, so that only the test's traffic flows) that adopts the
     * port's interface with an address.
     *
     * @param namespace the namespace name (the test's prefix)
     * @param port the switch port's interface
     * @param cidr the host's address, e.g. 10.0.0.1/24
     * @return the namespace; close it when done
     */
    public static NetworkNamespace host(String namespace, String port, String cidr) {
        NetworkNamespace ns = NetworkNamespace.create(namespace);
        ns.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        ns.run("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        ns.adopt(port, cidr);
        return ns;
    }

    /** @param hosts namespaces to delete; null entries are skipped */
    public static void closeAll(NetworkNamespace... hosts) {
        for (NetworkNamespace h : hosts) {
            if (h != null) {
                h.close();
            }
        }
    }

    /**
     * @param name an interface of the root namespace
     * @return {@code ip link show NAME}
     */
    public static String link(String name) {
        return NetworkNamespace.exec(true, "ip", "link", "show", name);
    }

    /**
     * @param name an interface name
     * @return whether the root namespace has it
     */
    public static boolean linkExists(String name) {
        return !NetworkNamespace.exec(false, "ip", "link", "show", name).contains("does not exist");
    }

    /**
     * @param host a namespace
     * @param name an interface in it
     * @return its MAC address
     */
    public static String macIn(NetworkNamespace host, String name) {
        String link = host.ip("link", "show", name);
        Matcher m = MAC.matcher(link);
        if (!m.find()) {
            throw new AssertionError("no MAC in " + link);
        }
        return m.group(1);
    }

    /**
     * @param file a text file
     * @return its content, or empty text if it does not exist
     */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
