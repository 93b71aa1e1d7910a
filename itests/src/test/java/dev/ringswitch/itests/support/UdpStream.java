package dev.ringswitch.itests.support;

import dev.ringswitch.testkit.NetworkNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sequence-numbered UDP stream between two namespace hosts ({@code traffic/udp_stream.py}), running in the
 * background while a test does something to the switch.
 */
public final class UdpStream implements AutoCloseable {

    private static final Pattern SENT = Pattern.compile("sent (\\d+)");
    private static final Pattern RECEIVED = Pattern.compile("received (\\d+) missing (\\d+) duplicates (\\d+)");

    private final Process receiver;
    private final BufferedReader receiverOut;
    private final Process sender;
    private final Path stopFile;

    private UdpStream(Process receiver, BufferedReader receiverOut, Process sender, Path stopFile) {
        this.receiver = receiver;
        this.receiverOut = receiverOut;
        this.sender = sender;
        this.stopFile = stopFile;
    }

    /**
     * Starts a receiver, waits until it listens, then starts the sender.
     *
     * @param from the sending host
     * @param to the receiving host
     * @param address the receiver's IPv4 address
     * @param port the UDP port
     * @param rate datagrams per second
     * @return the running stream
     * @throws IOException if the receiver does not start
     */
    public static UdpStream start(NetworkNamespace from, NetworkNamespace to, String address, int port, int rate)
            throws IOException {
        Path script = script();
        Path stopFile = Files.createTempFile("rsr-stop", ".flag");
        Files.delete(stopFile);
        Process receiver = to.start("python3", script.toString(), "recv", Integer.toString(port), "3");
        BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (!"ready".equals(ready)) {
            receiver.destroyForcibly();
            throw new IOException("UDP receiver did not start: " + ready);
        }
        Process sender = from.start("python3", script.toString(), "send", address, Integer.toString(port),
                Integer.toString(rate), stopFile.toString());
        return new UdpStream(receiver, out, sender, stopFile);
    }

    private static Path script() {
        try {
            return Path.of(UdpStream.class.getResource("/traffic/udp_stream.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops the sender and waits for the receiver's count (it stops three seconds after the last datagram).
     *
     * @return what was sent and received
     * @throws Exception if either side does not finish in time
     */
    public Result stop() throws Exception {
        Files.writeString(stopFile, "stop");
        String sent;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(sender.getInputStream(),
                StandardCharsets.UTF_8))) {
            sent = out.readLine();
        }
        if (!sender.waitFor(30, TimeUnit.SECONDS) || !receiver.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("stream did not stop");
        }
        String received = receiverOut.readLine();
        Matcher s = SENT.matcher(String.valueOf(sent));
        Matcher r = RECEIVED.matcher(String.valueOf(received));
        if (!s.matches() || !r.matches()) {
            throw new AssertionError("stream output: sender '" + sent + "', receiver '" + received + "'");
        }
        return new Result(Long.parseLong(s.group(1)), Long.parseLong(r.group(1)), Long.parseLong(r.group(3)));
    }

    /** Ends both sides without waiting for counts. */
    @Override
    public void close() throws IOException {
        try {
            Files.writeString(stopFile, "stop");
        } finally {
            sender.destroyForcibly();
            receiver.destroyForcibly();
            receiverOut.close();
            Files.deleteIfExists(stopFile);
        }
    }

    /**
     * @param sent datagrams sent
     * @param received distinct datagrams received
     * @param duplicates datagrams received more than once
     */
    public record Result(long sent, long received, long duplicates) {

        /** @return datagrams sent but never received */
        public long lost() {
            return sent - received;
        }
    }
}
