package dev.ringswitch.shell.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.DatapathStatus;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code ringswitch:status}: the datapath at a glance: ports, ring size and occupancy, threads, uptime.
 */
@Service
@Command(scope = "ringswitch", name = "status", description = "Shows the datapath's status")
public class StatusCommand extends ListingCommand {

    @Reference
    DatapathService datapath;

    @Override
    void run(PrintStream out) {
        DatapathStatus s = datapath.status();
        new Fields()
                .add("ports", "Ports", s.ports())
                .add("modules", "Modules", datapath.modules().size())
                .add("ringSize", "Ring size", s.ringSize())
                .add("ringOccupancy", "Ring occupancy", s.ringOccupancy())
                .add("publishStalls", "Publish stalls", s.publishStalls())
                .add("threads", "Threads", s.threads(), s.threads().isEmpty() ? "-" : String.join(", ", s.threads()))
                .add("workerCpu", "Worker CPU", s.workerCpu(), s.workerCpu() < 0 ? "- (placed by the scheduler)"
                        : s.workerCpu() + " (bound)")
                .add("busyPollMicros", "Busy poll", s.busyPollMicros(), s.busyPollMicros() == 0 ? "off"
                        : s.busyPollMicros() + " us after a frame, while light traffic flows")
                .add("hugePageBytes", "Huge pages", s.hugePageBytes(), s.hugePageBytes() < 0 ? "off"
                        : (s.hugePageBytes() >> 20) + " MiB of the JVM's anonymous memory, collapsed every 10 s")
                .add("uptimeMillis", "Uptime", s.uptimeMillis(), uptime(s.uptimeMillis()))
                .print(out, json);
    }

    /**
     * @param millis a duration
     * @return e.g. {@code 2d 03:04:05} or {@code 00:00:07}
     */
    static String uptime(long millis) {
        Duration d = Duration.ofMillis(millis);
        String clock = String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart());
        return d.toDays() > 0 ? d.toDays() + "d " + clock : clock;
    }
}
