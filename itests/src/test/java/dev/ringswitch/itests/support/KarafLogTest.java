package dev.ringswitch.itests.support;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
