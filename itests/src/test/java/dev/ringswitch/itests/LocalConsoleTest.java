package dev.ringswitch.itests;

import dev.ringswitch.itests.support.KarafInstance;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local console works: the README's start command ({@code ./ringswitch start}), run under a pseudo-terminal as
 * an operator would, brings up the appliance's console, which answers {@code jaas:whoami} with the local user.
 */
class LocalConsoleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void localConsoleAnswersWhoami() throws Exception {
        // A private runtime on free ports, marked installed, so that the start command uses it as it is.
        KarafInstance karaf = KarafInstance.prepare("console");
        Files.writeString(karaf.home().resolve(".installed"), "");
        Path startCommand = Path.of("..", "ringswitch").toAbsolutePath().normalize();
        // script(1) gives the start command a pseudo-terminal, as a terminal would.
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", startCommand + " start", "/dev/null")
                .directory(startCommand.getParent().toFile())
                .redirectErrorStream(true);
        pb.environment().put("TERM", "dumb");
        pb.environment().put("RINGSWITCH_HOME", karaf.home().toString());
        // The reactor built the distribution already; the test must not rebuild it from inside the build.
        pb.environment().put("RINGSWITCH_NO_BUILD", "1");
        pb.environment().remove("JAVA_OPTS");
        Process process = pb.start();
        String logBeforeShutdown = "";
        ByteArrayOutputStream transcript = new ByteArrayOutputStream();
        try (OutputStream keyboard = process.getOutputStream(); InputStream screen = process.getInputStream()) {
            awaitText(screen, transcript, "karaf@root()>", process);
            // The prompt comes before the boot features: wait for them, as an operator waits for the commands.
            karaf.awaitBoot(process);
            keyboard.write("jaas:whoami\r".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            // jaas:whoami prints a one-column table: "Name", a rule, then the user.
            String seen = awaitText(screen, transcript, "─\r\nkaraf", process);
            assertTrue(seen.lines().anyMatch(l -> l.strip().equals("karaf")),
                    () -> "whoami did not print the local user:\n" + transcript);
            String sofar = karaf.karafLog();
            // Whole lines only: the line being written belongs to what follows.
            logBeforeShutdown = sofar.substring(0, sofar.lastIndexOf('\n') + 1);
            keyboard.write("system:shutdown -f\r".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "console did not shut down");
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            karaf.close();
        }
        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"));
        List<String> errors = KarafInstance.errorEntries(logBeforeShutdown);
        assertTrue(errors.isEmpty(), () -> "ERROR in karaf.log:\n" + String.join("\n", errors));
        // Shutting down tears the console down under its own reading thread, and Karaf's shell may log that as an
        // ERROR (a known class of Karaf shutdown races, e.g. KARAF-7264); our bundles must still stop cleanly.
        List<String> atShutdown = KarafInstance.errorEntries(log.substring(Math.min(logBeforeShutdown.length(),
                log.length())));
        List<String> ours = atShutdown.stream()
                .filter(e -> e.lines().findFirst().orElse("").contains(" - ringswitch-")).toList();
        assertTrue(ours.isEmpty(), () -> "ERROR from RingSwitch while shutting down:\n" + String.join("\n", ours));
        atShutdown.forEach(e -> System.err.println("[itests] console: Karaf logged while shutting down: " + e));
    }

    /** Reads the screen until {@code text} appears after what was already consumed; returns the new output. */
    private static String awaitText(InputStream screen, ByteArrayOutputStream transcript, String text,
                                    Process process) throws Exception {
        int start = transcript.size();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < deadline) {
            if (screen.available() > 0) {
                int n = screen.read(buffer);
                if (n < 0) {
                    break;
                }
                transcript.write(buffer, 0, n);
                String fresh = transcript.toString(StandardCharsets.UTF_8).substring(
                        Math.min(start, transcript.toString(StandardCharsets.UTF_8).length()));
                String plain = fresh.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "");
                if (plain.contains(text)) {
                    return plain;
                }
            } else if (!process.isAlive()) {
                break;
            } else {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("'" + text + "' did not appear on the console; transcript:\n" + transcript);
    }
}
