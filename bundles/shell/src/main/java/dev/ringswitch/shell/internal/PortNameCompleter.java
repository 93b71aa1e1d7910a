package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortService;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import java.util.List;

/**
 * Completes the names of the switch's ports.
 */
@Service
public class PortNameCompleter implements Completer {

    @Reference
    PortService ports;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (PortInfo port : ports.ports()) {
            names.getStrings().add(port.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
