package dev.ringswitch.shell.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.ModuleInfo;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import java.util.List;

/**
 * Completes the names of the forwarding modules in the pipeline.
 */
@Service
public class ModuleNameCompleter implements Completer {

    @Reference
    DatapathService datapath;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (ModuleInfo module : datapath.modules()) {
            names.getStrings().add(module.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
