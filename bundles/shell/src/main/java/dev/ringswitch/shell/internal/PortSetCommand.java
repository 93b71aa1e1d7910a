package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortAdminService;
import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortService;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ringswitch:port-set}: changes a port in place, without reopening it. Options not given keep their value.
 *
 * <p>The one command with two references: {@link PortAdminService#updatePort} takes the complete configuration, so
 * the command reads the current one from {@link PortService} and changes only what the options name.
 */
@Service
@Command(scope = "ringswitch", name = "port-set", description = "Changes a port's link state, MTU, MAC, address,"
        + " VLANs or storm-control limit")
public class PortSetCommand extends PortSettingsCommand {

    @Argument(index = 0, name = "name", required = true, description = "The port")
    @Completion(PortNameCompleter.class)
    String name;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Option(name = "--up", description = "Bring the link administratively up")
    boolean up;

    @Option(name = "--down", description = "Take the link administratively down")
    boolean down;

    @Reference
    PortService ports;

    @Reference
    PortAdminService admin;

    @Override
    void run(PrintStream out) {
        if (up && down) {
            throw new IllegalArgumentException("--up and --down contradict each other: give one");
        }
        if (!up && !down && !anySetting()) {
            throw new IllegalArgumentException("nothing to change for port " + name
                    + ": give --up, --down, --mtu, --mac, --address, --mode, --vlan, --trunks or --storm-control");
        }
        PortConfig config = applyTo(ports.port(name)
                .orElseThrow(() -> new IllegalArgumentException("No such port " + name))
                .config());
        if (up || down) {
            config = config.withUp(up);
        }
        admin.updatePort(config);
    }
}
