package dev.ringswitch.shell.internal;

import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.net.MacAddress;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ringswitch:fdb-remove}: removes a static entry.
 */
@Service
@Command(scope = "ringswitch", name = "fdb-remove", description = "Removes a static MAC entry")
public class FdbRemoveCommand extends RingSwitchCommand {

    @Argument(index = 0, name = "mac", required = true, description = "The station's MAC address")
    String mac;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Option(name = "--vlan", description = "The VLAN (0..4094; default 0 = no VLAN)")
    int vlan;

    @Reference(optional = true)
    FdbService fdb;

    @Override
    void run(PrintStream out) {
        FdbService service = require(fdb, Modules.L2, Modules.L2_FEATURE);
        MacAddress address = MacAddress.parse(mac);
        if (!service.removeStatic(address, vlan)) {
            throw new IllegalArgumentException("no static entry for " + address + " in VLAN " + vlan
                    + ": see ringswitch:fdb");
        }
    }
}
