package dev.ringswitch.itests.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SwitchThreadsTest {

    @Test
    void keepsOnlyTheSwitchThreads_firstLinesOfEach() {
        List<String> dump = new ArrayList<>(List.of(
                "Full thread dump OpenJDK 64-Bit Server VM:",
                "",
                "\"sshd-SshServer[1]-nio2-thread-1\" #80 daemon prio=5",
                "   java.lang.Thread.State: WAITING (parking)",
                "\tat jdk.internal.misc.Unsafe.park(Native Method)",
                "",
                "\"ringswitch-worker\" #90 daemon prio=5",
                "   java.lang.Thread.State: RUNNABLE",
                "\tat dev.ringswitch.datapath.internal.Worker.round(Worker.java:328)",
                ""));
        for (int i = 0; i < 30; i++) {
            dump.add("\tat frame" + i + "(X.java)");
        }
        dump.add("");
        dump.add("\"ringswitch-egress\" #91 daemon prio=5");
        dump.add("   java.lang.Thread.State: TIMED_WAITING (parking)");

        String shown = KarafInstance.switchThreads(dump);

        List<String> lines = shown.lines().toList();
        assertEquals("\"ringswitch-worker\" #90 daemon prio=5", lines.get(0));
        assertEquals("\tat dev.ringswitch.datapath.internal.Worker.round(Worker.java:328)", lines.get(2));
        // 14 of the worker's lines (its stack cut after frame 10), then the egress thread whole.
        assertEquals("\tat frame10(X.java)", lines.get(13));
        assertEquals("\"ringswitch-egress\" #91 daemon prio=5", lines.get(14));
        assertEquals(16, lines.size(), shown);
    }
}
