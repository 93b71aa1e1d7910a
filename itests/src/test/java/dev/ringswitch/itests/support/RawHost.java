package dev.ringswitch.itests.support;

import dev.ringswitch.testkit.NetworkNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A silent host behind one switch port: a network namespace holding the port's TAP, with IPv6 off and no IPv4
 * address, so that it sends nothing by itself and every frame the switch counts is one the test sent. Frames go out
 * and come in raw (AF_PACKET, {@code traffic/raw_frames.py}), byte for byte, malformed ones included.
 */
public final class RawHost implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern SENT = Pattern.compile("sent (\\d+)(?: refused (\\d+))?");

    private final NetworkNamespace ns;
    private final String ifName;
    private final Path script;

    private RawHost(NetworkNamespace ns, String ifName, Path script) {
        this.ns = ns;
        this.ifName = ifName;
        this.script = script;
    }

    /**
     * Creates the namespace, turns IPv6 off in it (before the interface arrives, so that the interface never sends
     * router or neighbour solicitations), moves the switch port's TAP in and brings it up.
     *
     * @param nsName the namespace name (the test's prefix)
     * @param ifName the switch port's interface
     * @return the host
     */
    public static RawHost create(String nsName, String ifName) {
        NetworkNamespace ns = NetworkNamespace.create(nsName);
        try {
            ns.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            NetworkNamespace.exec(true, "ip", "link", "set", ifName, "netns", nsName);
            ns.ip("link", "set", ifName, "up");
            return new RawHost(ns, ifName, script());
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    private static Path script() {
        try {
            return Path.of(RawHost.class.getResource("/traffic/raw_frames.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the namespace */
    public NetworkNamespace namespace() {
        return ns;
    }

    /** @return the interface name (the switch port's) */
    public String ifName() {
        return ifName;
    }

    /**
     * Sets the MTU on the host's side of the cable. The switch keeps the MTU it configured, so a larger value here
     * lets the host send frames the switch must refuse as too long.
     *
     * @param mtu bytes
     */
    public void hostMtu(int mtu) {
        ns.ip("link", "set", ifName, "mtu", Integer.toString(mtu));
    }

    /**
     * Sends frames, 200 microseconds apart.
     *
     * @param frames the frames, byte for byte
     * @return frames sent; the kernel refuses frames shorter than an Ethernet header or longer than the host's MTU
     * @throws IOException if the file cannot be written
     */
    public int send(List<byte[]> frames) throws IOException {
        Path file = Files.createTempFile("rsr-frames", ".hex");
        try {
            StringBuilder sb = new StringBuilder();
            for (byte[] f : frames) {
                sb.append(HEX.formatHex(f)).append('\n');
            }
            Files.writeString(file, sb);
            return sent(ns.run("python3", script.toString(), "send", ifName, file.toString()));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Sends frames of random bytes, 14..1514 long.
     *
     * @param count how many
     * @param seed random seed, for a reproducible run
     * @param gapMicros pause between frames
     * @return frames sent
     */
    public int sendRandom(int count, long seed, int gapMicros) {
        return sent(ns.run("python3", script.toString(), "random", ifName, Integer.toString(count),
                Long.toString(seed), Integer.toString(gapMicros)));
    }

    /**
     * Starts sending frames from random unicast source MACs to one destination, in the background.
     *
     * @param count how many
     * @param seed random seed
     * @param destination destination MAC, e.g. {@code 02:00:00:00:00:01}
     * @param gapMicros pause between frames
     * @return the sender; it prints "sent N" when done
     */
    public Process startSources(int count, long seed, String destination, int gapMicros) {
        return ns.start("python3", script.toString(), "sources", ifName, Integer.toString(count),
                Long.toString(seed), destination, Integer.toString(gapMicros));
    }

    /**
     * Starts sending the same small frame repeatedly, in the background.
     *
     * @param source source MAC
     * @param destination destination MAC
     * @param count how many
     * @param gapMicros pause between frames
     * @return the sender; it prints "sent N" when done
     */
    public Process startRepeat(String source, String destination, int count, int gapMicros) {
        return ns.start("python3", script.toString(), "repeat", ifName, source, destination,
                Integer.toString(count), Integer.toString(gapMicros));
    }

    /**
     * Starts capturing the frames this host receives; returns once the capture is listening.
     *
     * @param idleSeconds stop after this long without a frame, counted from the start and then from each frame
     * @param maxSeconds stop after this long in any case
     * @return the capture
     * @throws IOException if the capture does not start
     */
    public Capture capture(double idleSeconds, double maxSeconds) throws IOException {
        return capture(idleSeconds, maxSeconds, "");
    }

    /**
     * Starts counting the frames this host receives from one source; returns once the capture is listening. Read the
     * result with {@link Capture#count()}.
     *
     * @param source the source MAC, e.g. {@code 02:00:00:00:00:01}
     * @param idleSeconds stop after this long without a frame, counted from the start and then from each frame
     * @param maxSeconds stop after this long in any case
     * @return the capture
     * @throws IOException if the capture does not start
     */
    public Capture countFrom(String source, double idleSeconds, double maxSeconds) throws IOException {
        return capture(idleSeconds, maxSeconds, "from=" + source);
    }

    private Capture capture(double idleSeconds, double maxSeconds, String option) throws IOException {
        Process p = ns.start("python3", script.toString(), "capture", ifName, Double.toString(idleSeconds),
                Double.toString(maxSeconds), option);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"ready".equals(first)) {
            p.destroyForcibly();
            throw new IOException("capture on " + ifName + " did not start: " + first);
        }
        return new Capture(p, out, maxSeconds);
    }

    /**
     * @param process a sender started by this class
     * @return the frames it sent
     * @throws Exception if it does not finish within a minute
     */
    public static int awaitSent(Process process) throws Exception {
        try (InputStream in = process.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("sender did not finish: " + out);
            }
            return sent(out);
        } finally {
            process.destroyForcibly();
        }
    }

    private static int sent(String output) {
        for (String line : output.split("\n")) {
            Matcher m = SENT.matcher(line.strip());
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("sender printed no count: " + output);
    }

    /** Deletes the namespace, and with it the port's interface if the switch no longer holds it. */
    @Override
    public void close() {
        ns.close();
    }

    /** A running capture. */
    public static final class Capture {

        private final Process process;
        private final BufferedReader out;
        private final double maxSeconds;

        private Capture(Process process, BufferedReader out, double maxSeconds) {
            this.process = process;
            this.out = out;
            this.maxSeconds = maxSeconds;
        }

        /**
         * Waits until the capture stops and returns what it saw.
         *
         * @return the frames received, in order, 802.1Q tags included
         * @throws Exception if it does not stop in time
         */
        public List<byte[]> frames() throws Exception {
            List<byte[]> frames = new ArrayList<>();
            read(frames);
            return frames;
        }

        /**
         * Waits until the capture stops.
         *
         * @return the frames it counted
         * @throws Exception if it does not stop in time
         */
        public int count() throws Exception {
            return read(new ArrayList<>());
        }

        private int read(List<byte[]> frames) throws Exception {
            try {
                String line;
                int count = -1;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("frame ")) {
                        frames.add(HEX.parseHex(line.substring(6)));
                    } else if (line.startsWith("done ")) {
                        count = Integer.parseInt(line.substring(5).strip());
                        break;
                    }
                }
                if (!process.waitFor((long) maxSeconds + 10, TimeUnit.SECONDS) || count < 0) {
                    throw new AssertionError("capture did not stop");
                }
                return count;
            } finally {
                process.destroyForcibly();
                out.close();
            }
        }
    }
}
