package dev.ringswitch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * tcpdump on one interface, for end-to-end tests that assert what a host did or did not receive. Needs root and
 * {@code tcpdump}. Frames go to a pcap file as they arrive ({@code --immediate-mode -U}), so stopping loses none that
 * arrived before; {@link #stop()} decodes them with link-level headers, one line a frame:
 *
 * <pre>{@code
 * PacketCapture onH3 = PacketCapture.startInbound(h3, "rsx3", tempDir.resolve("h3.pcap"));
 * String seen;
 * try {
 *     h1.ping("10.0.0.2");
 * } finally {
 *     seen = onH3.stop();   // "02:..:01 > 02:..:02, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > ..."
 * }
 * }</pre>
 *
 * {@link #start} returns only once tcpdump is capturing, so nothing the test sends afterwards is missed.
 */
public final class PacketCapture implements AutoCloseable {

    private final Process process;
    private final Path pcap;
    private final String where;

    private PacketCapture(Process process, Path pcap, String where) {
        this.process = process;
        this.pcap = pcap;
        this.where = where;
    }

    /**
     * Captures both directions on an interface of the root namespace (e.g. a switch port's TAP).
     *
     * @param ifName the interface
     * @param pcap the capture file to write
     * @return the running capture
     */
    public static PacketCapture start(String ifName, Path pcap) {
        return start(null, ifName, pcap, false);
    }

    /**
     * Captures both directions on an interface of a namespace.
     *
     * @param ns the namespace
     * @param ifName the interface in it
     * @param pcap the capture file to write
     * @return the running capture
     */
    public static PacketCapture start(NetworkNamespace ns, String ifName, Path pcap) {
        return start(ns, ifName, pcap, false);
    }

    /**
     * Captures only what an interface of a namespace receives ({@code -Q in}): what reached the host, without the
     * host's own replies.
     *
     * @param ns the namespace
     * @param ifName the interface in it
     * @param pcap the capture file to write
     * @return the running capture
     */
    public static PacketCapture startInbound(NetworkNamespace ns, String ifName, Path pcap) {
        return start(ns, ifName, pcap, true);
    }

    private static PacketCapture start(NetworkNamespace ns, String ifName, Path pcap, boolean inboundOnly) {
        // --immediate-mode: libpcap otherwise hands frames over in blocks (TPACKET_V3, up to 1 s late), and a
        // stop would lose the last block; -U then writes each frame to the file at once.
        List<String> tcpdump = new ArrayList<>(List.of("tcpdump", "-i", ifName, "-n", "--immediate-mode", "-U"));
        if (inboundOnly) {
            tcpdump.addAll(List.of("-Q", "in"));
        }
        tcpdump.addAll(List.of("-w", pcap.toString()));
        String[] command = tcpdump.toArray(String[]::new);
        String where = ifName + (ns == null ? "" : " in " + ns.name());
        Process p = NetworkNamespace.launch(ns == null ? command : ns.prefixed(command));
        try {
            p.getOutputStream().close();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> awaitListening(out),
                    NetworkNamespace.OUTPUT_READER);
            String failure = ready.get(NetworkNamespace.COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (failure != null) {
                p.destroyForcibly();
                throw new AssertionError("tcpdump on " + where + " did not start: " + failure);
            }
            return new PacketCapture(p, pcap, where);
        } catch (IOException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new AssertionError("cannot start tcpdump on " + where + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted starting tcpdump on " + where, e);
        }
    }

    /** @return {@code null} once tcpdump says it is listening, or what it said before it exited */
    private static String awaitListening(BufferedReader out) {
        StringBuilder seen = new StringBuilder();
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains("listening on")) {
                    return null;
                }
                seen.append(line).append('\n');
            }
        } catch (IOException e) {
            seen.append(e);
        }
        return seen.toString();
    }

    /**
     * Stops tcpdump (SIGTERM; {@code -U} has written every frame already) and decodes the capture.
     *
     * @return {@code tcpdump -e -n -r} of the capture: one line a frame, link-level headers first
     */
    public String stop() {
        close();
        return NetworkNamespace.exec(true, "tcpdump", "-e", "-n", "-r", pcap.toString());
    }

    /** Stops tcpdump without decoding. Idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(NetworkNamespace.COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("tcpdump on " + where + " did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
