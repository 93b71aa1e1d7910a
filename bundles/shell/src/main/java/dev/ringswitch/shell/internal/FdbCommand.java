package dev.ringswitch.shell.internal;

import dev.ringswitch.api.fdb.FdbEntry;
import dev.ringswitch.api.fdb.FdbService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;

/**
 * {@code ringswitch:fdb}: the L2 learning module's MAC table, as Open vSwitch's {@code fdb/show}.
 */
@Service
@Command(scope = "ringswitch", name = "fdb", description = "Shows the MAC table (forwarding database)")
public class FdbCommand extends ListingCommand {

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
        Table table = new Table()
                .column("port", "Port")
                .number("vlan", "VLAN")
                .column("mac", "MAC")
                .number("ageSeconds", "Age")
                .column("type", "Type")
                .whenEmpty("No entries");
        for (FdbEntry e : service.entries(vlan == null ? FdbService.ANY_VLAN : vlan, port)) {
            table.row(e.port(), e.vlan(), e.mac(), e.isStatic() ? null : e.ageSeconds(),
                    e.isStatic() ? "static" : "learned");
        }
        table.print(out, json);
    }
}
