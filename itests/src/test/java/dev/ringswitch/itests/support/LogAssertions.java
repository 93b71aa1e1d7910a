package dev.ringswitch.itests.support;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks on an instance's {@code data/log/karaf.log}.
 */
public final class LogAssertions {

    private LogAssertions() {
    }

    /**
     * Fails, listing them with their stack traces, if the log holds ERROR entries.
     *
     * @param karaf the instance
     * @throws IOException if the log cannot be read
     */
    public static void assertNoErrors(KarafInstance karaf) throws IOException {
        List<String> errors = KarafInstance.errorEntries(karaf.karafLog());
        assertTrue(errors.isEmpty(), () -> "ERROR entries in karaf.log:\n" + String.join("\n", errors));
    }

    /**
     * @param karaf the instance
     * @param offset a length of the log read earlier
     * @return the lines logged since
     * @throws IOException if the log cannot be read
     */
    public static List<String> linesSince(KarafInstance karaf, int offset) throws IOException {
        return karaf.karafLog().substring(offset).lines().toList();
    }
}
