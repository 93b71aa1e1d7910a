package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortAdminService;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;

/**
 * {@code ringswitch:port-remove}: removes a port from the switch and deletes its saved configuration; a
 * non-persistent interface disappears.
 */
@Service
@Command(scope = "ringswitch", name = "port-remove", description = "Removes a port from the switch")
public class PortRemoveCommand extends RingSwitchCommand {

    @Argument(index = 0, name = "name", required = true, description = "The port")
    @Completion(PortNameCompleter.class)
    String name;

    @Reference
    PortAdminService admin;

    @Override
    void run(PrintStream out) {
        admin.removePort(name);
    }
}
