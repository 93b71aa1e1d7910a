package dev.ringswitch.vlan.internal.support;

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
 * The host side of end-to-end tests: runs iproute2, ping, tcpdump and the OVS peer script. Test code only; the
 * switch itself never shells out.
 */
public final class Host {

    private static final long TIMEOUT_SECONDS = 60;

    private Host() {
    }

    /**
     * @param command the command
     * @return its output (stdout and stderr)
     * @throws AssertionError if it fails or times out
     */
    public static String run(String... command) {
        Result r = tryRun(command);
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }

    /**
     * @param command the command
     * @return its exit code and output
     */
    public static Result tryRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        }
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /**
     * @param ns a network namespace
     * @param command the command to run in it
     * @return the full command line
     */
    public static String[] in(String ns, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    /**
     * @param ns where to ping from
     * @param address whom
     * @return whether at least one echo reply came back (3 tries, 2 s each at most)
     */
    public static boolean ping(String ns, String address) {
        return tryRun(in(ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", address)).exitCode() == 0;
    }

    /**
     * Starts tcpdump and returns once it is capturing.
     *
     * @param ns the namespace, or {@code null} for this one
     * @param iface the interface
     * @param pcap where to write the capture
     * @return the capture, to be stopped with {@link Capture#stop()}
     */
    public static Capture capture(String ns, String iface, Path pcap) {
        String[] tcpdump = {"tcpdump", "-i", iface, "-n", "-U", "-w", pcap.toString()};
        try {
            Process p = new ProcessBuilder(ns == null ? tcpdump : in(ns, tcpdump)).start();
            p.getOutputStream().close();
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                StringBuilder seen = new StringBuilder();
                try {
                    for (String line = err.readLine(); line != null; line = err.readLine()) {
                        seen.append(line).append('\n');
                        if (line.contains("listening on")) {
                            return null;
                        }
                    }
                } catch (IOException e) {
                    seen.append(e);
                }
                return seen.toString();
            });
            String failure = ready.get(30, TimeUnit.SECONDS);
            if (failure != null) {
                p.destroyForcibly();
                throw new AssertionError("tcpdump on " + iface + " did not start: " + failure);
            }
            return new Capture(p, pcap);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot start tcpdump on " + iface + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted starting tcpdump", e);
        }
    }

    /**
     * @param exitCode the exit code
     * @param output stdout and stderr
     */
    public record Result(int exitCode, String output) {
    }

    /** A running tcpdump. */
    public static final class Capture {
        private final Process process;
        private final Path pcap;

        private Capture(Process process, Path pcap) {
            this.process = process;
            this.pcap = pcap;
        }

        /**
         * Stops the capture (SIGTERM; -U has flushed every packet already) and decodes it with link headers.
         *
         * @return {@code tcpdump -e -n -r} of the capture, one frame per line
         */
        public String stop() {
            process.destroy();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return run("tcpdump", "-e", "-n", "-r", pcap.toString());
        }
    }
}
