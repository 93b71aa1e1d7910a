package dev.ringswitch.shell.internal;

import dev.ringswitch.api.datapath.DatapathService;
import dev.ringswitch.api.datapath.ModuleInfo;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code ringswitch:module-list}: the forwarding modules in pipeline order, with their counters. A module installed
 * or removed with feature:install, feature:uninstall, bundle:update or deploy/ shows up here at once.
 */
@Service
@Command(scope = "ringswitch", name = "module-list", description = "Lists the forwarding modules in pipeline order")
public class ModuleListCommand extends ListingCommand {

    @Argument(index = 0, name = "name", description = "Only this module")
    @Completion(ModuleNameCompleter.class)
    String name;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Reference
    DatapathService datapath;

    @Override
    void run(PrintStream out) {
        List<ModuleInfo> modules = datapath.modules();
        if (name != null) {
            modules = modules.stream().filter(m -> m.name().equals(name)).toList();
            if (modules.isEmpty()) {
                throw new IllegalArgumentException("No such module " + name + ": see ringswitch:module-list");
            }
        }
        Table table = new Table()
                .number("position", "#")
                .column("name", "Name")
                .column("band", "Band")
                .column("bundle", "Bundle")
                .column("state", "State")
                .number("frames", "Frames")
                .number("drops", "Drops")
                .number("exceptions", "Errors")
                .number("meanNanosPerFrame", "ns/frame")
                .whenEmpty("No forwarding modules: the switch floods like a hub (feature:install ringswitch-l2)");
        for (ModuleInfo m : modules) {
            table.row(m.position(), m.name(), lower(m.band().name()), m.bundle(), lower(m.state().name()), m.frames(),
                    m.drops(), m.exceptions(), json ? m.meanNanosPerFrame()
                            : String.format(Locale.ROOT, "%.1f", m.meanNanosPerFrame()));
        }
        table.print(out, json);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
