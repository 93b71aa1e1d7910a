package dev.ringswitch.shell.internal;

import dev.ringswitch.api.fdb.FdbService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;

/**
 * {@code ringswitch:fdb-flush}: forgets learned stations (of one VLAN, one port, or all); static entries stay.
 */
@Service
@Command(scope = "ringswitch", name = "fdb-flush", description = "Removes learned MAC entries; static entries stay")
public class FdbFlushCommand extends RingSwitchCommand {

    @Option(name = "--vlan", description = "Only this VLAN (0..4094, 0 = no VLAN)")
    Integer vlan;

    @Option(name = "--port", description = "Only entries behind this port")
    @Completion(PortNameCompleter.class)
    String port;

    @Reference(optional = true)
    FdbService fdb;

    @Override
    void run(PrintStream out) {
        FdbService service = require(fdb, Modules.L2, Modules.L2_FEATURE);
        if (vlan != null && port != null) {
            throw new IllegalArgumentException("give --vlan or --port, not both");
        }
        int removed;
        if (vlan != null) {
            removed = service.flushVlan(vlan);
        } else if (port != null) {
            removed = service.flushPort(port);
        } else {
            removed = service.flush();
        }
        out.println(removed + (removed == 1 ? " entry" : " entries") + " flushed");
    }
}
