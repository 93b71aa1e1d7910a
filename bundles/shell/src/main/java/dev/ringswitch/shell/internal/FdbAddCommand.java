package dev.ringswitch.shell.internal;

import dev.ringswitch.api.fdb.FdbService;
import dev.ringswitch.api.net.MacAddress;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ringswitch:fdb-add}: pins a station to a port with a static entry, which never ages and is never moved by
 * traffic.
 */
@Service
@Command(scope = "ringswitch", name = "fdb-add", description = "Adds a static MAC entry")
public class FdbAddCommand extends RingSwitchCommand {

    @Argument(index = 0, name = "mac", required = true, description = "The station's unicast MAC address")
    String mac;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Option(name = "--vlan", description = "The VLAN (0..4094; default 0 = no VLAN, for a switch without VLANs)")
    int vlan;

    // Required, but checked in run(): Karaf would check it before the options that follow the MAC are read.
    @Option(name = "--port", description = "The port the station sits behind (required)")
    @Completion(PortNameCompleter.class)
    String port;

    @Reference(optional = true)
    FdbService fdb;

    @Override
    void run(PrintStream out) {
        FdbService service = require(fdb, Modules.L2, Modules.L2_FEATURE);
        if (port == null) {
            throw new IllegalArgumentException("--port is required: the port the station sits behind");
        }
        service.addStatic(MacAddress.parse(mac), vlan, port);
    }
}
