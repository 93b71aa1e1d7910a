package dev.ringswitch.l2.internal.support;

import dev.ringswitch.testkit.NetworkNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * tcpdump on one interface of a namespace: what the host receives ({@code -Q in}), with link-level headers
 * ({@code -e}), one line per frame.
 */
public final class Capture implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 30;

    private final Process process;
    private final Path output;

    private Capture(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts tcpdump and returns once it is capturing.
     *
     * @param ns the namespace
     * @param iface the interface in it
     * @param output where the decoded lines go
     * @return the running capture
     */
    public static Capture start(NetworkNamespace ns, String iface, Path output) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "tcpdump", "-i", iface, "-Q", "in", "-n",
                    "-e", "-l")
                    .redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                try {
                    for (String line = err.readLine(); line != null; line = err.readLine()) {
                        if (line.contains("listening on")) {
                            return null;
                        }
                        seen.append(line).append('\n');
                    }
                } catch (IOException e) {
                    seen.append(e);
                }
                return seen.toString();
            });
            String failure = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (failure != null) {
                p.destroyForcibly();
                throw new AssertionError("tcpdump on " + iface + " in " + ns.name() + " did not start: " + failure);
            }
            return new Capture(p, output);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot start tcpdump on " + iface + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted starting tcpdump", e);
        }
    }

    /**
     * Stops tcpdump (SIGTERM; {@code -l} has written every frame's line already) and returns what it saw.
     *
     * @return one line per captured frame
     */
    public String stop() {
        close();
        try {
            return Files.readString(output);
        } catch (IOException e) {
            throw new AssertionError("cannot read the capture " + output + ": " + e, e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
