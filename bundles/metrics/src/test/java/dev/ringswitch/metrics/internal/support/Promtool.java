package dev.ringswitch.metrics.internal.support;

import dev.ringswitch.testkit.Privileges;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code promtool check metrics} (Debian package {@code prometheus}), the format's reference linter. */
public final class Promtool {

    private Promtool() {
    }

    /**
     * Lints a scrape. Without promtool the calling test is skipped outside CI and fails in CI ({@code CI=true}).
     *
     * @param exposition the text exposition format as served
     * @throws IOException if promtool cannot be run
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static void check(String exposition) throws IOException, InterruptedException {
        Path promtool = findOnPath("promtool");
        if (promtool == null) {
            if (Privileges.isCi()) {
                throw new AssertionError("CI=true but promtool is missing: install the Debian package prometheus");
            }
            Assumptions.abort("promtool not installed (Debian package prometheus); skipping the format check");
        }
        Path input = Files.createTempFile("rsm-metrics", ".txt");
        try {
            Files.writeString(input, exposition, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(input.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
            assertEquals(0, p.exitValue(), "promtool check metrics:\n" + out);
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static Path findOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
