package dev.ringswitch.shell.internal;

import dev.ringswitch.api.vlan.VlanInfo;
import dev.ringswitch.api.vlan.VlanService;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code ringswitch:vlan-list}: the VLANs the ports name, and which ports carry each one, tagged or untagged.
 * Ports are put into VLANs with port-add and port-set.
 */
@Service
@Command(scope = "ringswitch", name = "vlan-list", description = "Lists the VLANs and the ports that carry them")
public class VlanListCommand extends ListingCommand {

    @Reference(optional = true)
    VlanService vlans;

    @Override
    void run(PrintStream out) {
        VlanService service = require(vlans, Modules.VLAN, Modules.VLAN_FEATURE);
        Table table = new Table()
                .number("vlan", "VLAN")
                .column("untagged", "Untagged ports")
                .column("tagged", "Tagged ports")
                .number("frames", "Frames")
                .whenEmpty("No VLANs: give ports one with ringswitch:port-set NAME --mode access --vlan N");
        for (VlanInfo v : service.vlans()) {
            table.row(v.vid(), json ? v.untaggedPorts() : join(v.untaggedPorts()),
                    json ? v.taggedPorts() : join(v.taggedPorts()), v.frames());
        }
        table.print(out, json);
    }

    private static String join(List<String> names) {
        return names.isEmpty() ? null : String.join(",", names);
    }
}
