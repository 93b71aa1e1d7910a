package dev.ringswitch.shell.internal;

import dev.ringswitch.api.stats.StatsService;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;

/**
 * {@code ringswitch:stats-clear}: starts the counters that stats shows from zero again, for one port or all.
 * Monitoring is unaffected: the metrics read the module's totals, which never go back.
 */
@Service
@Command(scope = "ringswitch", name = "stats-clear", description = "Clears the traffic counters shown by stats")
public class StatsClearCommand extends RingSwitchCommand {

    @Argument(index = 0, name = "name", description = "Only this port (default: every port and VLAN)")
    @Completion(PortNameCompleter.class)
    String name;

    @Reference(optional = true)
    StatsService stats;

    @Override
    void run(PrintStream out) {
        StatsService service = require(stats, Modules.STATS, Modules.STATS_FEATURE);
        if (name == null) {
            service.resetAll();
        } else {
            service.reset(name);
        }
    }
}
