package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortInfo;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ringswitch:port-add}: creates a TAP interface and adds it to the switch. The port is saved as
 * {@code etc/ringswitch.port-NAME.cfg} and comes back after a restart.
 */
@Service
@Command(scope = "ringswitch", name = "port-add", description = "Creates a TAP port and adds it to the switch")
public class PortAddCommand extends PortSettingsCommand {

    @Argument(index = 0, name = "name", required = true,
            description = "Interface name (1..15 characters), or a pattern in single quotes, such as 'tap%d', to let"
                    + " the kernel number it")
    String name;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Option(name = "--persistent", description = "Keep the interface when the switch closes it (TUNSETPERSIST)")
    boolean persistent;

    @Option(name = "--netns", description = "Create the interface in this network namespace (ip netns add NAME"
            + " first); the port is re-created there after a restart")
    String netns;

    @Reference
    PortAdminService admin;

    @Override
    void run(PrintStream out) {
        PortConfig config = applyTo(PortConfig.of(name)).withPersistent(persistent).withNetns(netns);
        PortInfo added = admin.addPort(config);
        if (!added.name().equals(name)) {
            // Only a pattern such as tap%d gets here: the operator needs the name the kernel chose.
            out.println("Added port " + added.name());
        }
    }
}
