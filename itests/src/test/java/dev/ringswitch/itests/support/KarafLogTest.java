package dev.ringswitch.itests.support;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failing log assertion must show the ERROR with its stack trace and nothing else of the log. */
class KarafLogTest {

    @Test
    void errorEntriesKeepTheirStackTraceAndNothingElse() {
        String log = String.join("\n",
                "Dec 06, 2026 5:50:19 PM org.apache.karaf.main.Main launch",
                "INFO: Installing and starting initial bundles",
                "2026-12-06T17:50:21,132 | INFO  | main | Foo | 1 - a - 1 | starting",
                "2026-12-06T17:50:22,001 | ERROR | main | Bar | 2 - b - 1 | it broke",
                "java.lang.IllegalStateException: closed",
                "\tat dev.ringswitch.X.y(X.java:1)",
                "2026-12-06T17:50:22,500 | WARN  | main | Foo | 1 - a - 1 | after",
                "2026-12-06T17:50:23,000 | ERROR | main | Baz | 3 - c - 1 | last words");

        List<String> entries = KarafInstance.errorEntries(log);

        assertEquals(List.of(
                "2026-12-06T17:50:22,001 | ERROR | main | Bar | 2 - b - 1 | it broke\n"
                        + "java.lang.IllegalStateException: closed\n"
                        + "\tat dev.ringswitch.X.y(X.java:1)",
                "2026-12-06T17:50:23,000 | ERROR | main | Baz | 3 - c - 1 | last words"), entries);
    }

    @Test
    void aLogWithoutErrorsHasNoEntries() {
        assertEquals(List.of(), KarafInstance.errorEntries(
                "2026-12-06T17:50:21,132 | INFO  | main | Foo | 1 - a - 1 | ERROR in a message is not a level"));
    }

    @Test
    void fileInstallsWriteBackRaceIsRecognisedForItsPortOnly() {
        String deleted = "java.lang.IllegalStateException: Configuration ringswitch.port~%s deleted";
        String race = fileInstallError(deleted.formatted("rsr-churn"));
        String otherPort = fileInstallError(deleted.formatted("tap0"));
        String otherCause = fileInstallError("java.io.IOException: No space left on device");

        List<String> entries = KarafInstance.errorEntries(String.join("\n", race, otherPort, otherCause));

        assertEquals(3, entries.size());
        assertTrue(LogAssertions.fileInstallWriteBackRace("rsr-churn").test(entries.get(0)));
        assertFalse(LogAssertions.fileInstallWriteBackRace("rsr-churn").test(entries.get(1)));
        assertFalse(LogAssertions.fileInstallWriteBackRace("rsr-churn").test(entries.get(2)));
        assertFalse(LogAssertions.fileInstallWriteBackRace("rsr-chur").test(entries.get(0)));
    }

    private static String fileInstallError(String cause) {
        return String.join("\n",
                "2026-12-07T09:08:06,832 | ERROR | CM Event Dispatcher (Fire ConfigurationEvent: pid=ringswitch.port~x)"
                        + " | fileinstall                      | 6 - org.apache.felix.fileinstall - 3.7.4 | Unable to"
                        + " save configuration",
                cause,
                "\tat org.apache.felix.cm.impl.ConfigurationAdapter.checkDeleted(ConfigurationAdapter.java:357)");
    }
}
