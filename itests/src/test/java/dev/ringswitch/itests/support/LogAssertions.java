package dev.ringswitch.itests.support;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

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
        assertNoErrorsBut(karaf, entry -> false);
    }

    /**
     * Like {@link #assertNoErrors}, passing over the ERROR entries a test names as expected.
     *
     * @param karaf the instance
     * @param expected which entries (an entry is its ERROR line and the stack trace under it) are not failures
     * @throws IOException if the log cannot be read
     */
    public static void assertNoErrorsBut(KarafInstance karaf, Predicate<String> expected) throws IOException {
        List<String> errors = KarafInstance.errorEntries(karaf.karafLog()).stream().filter(expected.negate()).toList();
        assertTrue(errors.isEmpty(), () -> "ERROR entries in karaf.log:\n" + String.join("\n", errors));
    }

    /**
     * FileInstall's own race when a port is removed and added again faster than it scans {@code etc/}: a scan that
     * found the old port's file gone deletes the configuration that has that name by then, the new port's, while
     * FileInstall's event thread is writing that configuration back into its file; the write-back finds it deleted
     * and logs "Unable to save configuration". Both sides are FileInstall's; the switch saves the new port again
     * (PortConfigSync, "FileInstall acting on an older removal"), which the tests check by the files and
     * configurations they find afterwards.
     *
     * @param port the port removed and added again
     * @return whether an ERROR entry is that race, for that port
     */
    public static Predicate<String> fileInstallWriteBackRace(String port) {
        return entry -> entry.contains("| fileinstall ") && entry.contains("| Unable to save configuration")
                && entry.contains("java.lang.IllegalStateException: Configuration ringswitch.port~" + port
                        + " deleted\n");
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
