package dev.ringswitch.shell.internal;

import dev.ringswitch.api.port.PortConfig;
import dev.ringswitch.api.port.PortCounters;
import dev.ringswitch.api.port.PortInfo;
import dev.ringswitch.api.port.PortService;
import dev.ringswitch.api.port.TapPort;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;

/**
 * {@code ringswitch:port-list}: the switch's ports with their settings and the datapath's counters.
 */
@Service
@Command(scope = "ringswitch", name = "port-list", description = "Lists the switch's ports")
public class PortListCommand extends ListingCommand {

    @Reference
    PortService ports;

    @Override
    void run(PrintStream out) {
        Table table = new Table()
                .column("name", "Name")
                .number("number", "Port")
                .number("ifIndex", "Ifindex")
                .column("state", "State")
                .number("mtu", "MTU")
                .column("mac", "MAC")
                .column("address", "Address")
                .column("vlan", "VLAN")
                .number("rxPackets", "RX packets")
                .number("txPackets", "TX packets")
                .number("drops", "Drops")
                .column("stormControl", "Storm pps")
                .column("netns", "Netns")
                .whenEmpty("No ports: add one with ringswitch:port-add NAME");
        for (PortInfo port : ports.ports()) {
            PortConfig c = port.config();
            PortCounters n = port.counters();
            table.row(port.name(), port.number(), port.ifIndex(), c.up() ? "up" : "down", c.mtu(), c.mac(),
                    c.ipv4(), c.vlan().describe(), n.rxPackets(), n.txPackets(), n.rxDrops() + n.txDrops(),
                    stormControl(c), netnsNow(port));
        }
        table.print(out, json);
    }

    /**
     * @return the port's own storm limit in frames/s (a number, also in JSON), "off" for none, or "default" when the
     *         switch-wide one applies
     */
    private static Object stormControl(PortConfig c) {
        if (c.stormControlPps() == null) {
            return PortSettingsCommand.DEFAULT;
        }
        return c.stormControlPps() == 0 ? "off" : c.stormControlPps();
    }

    /**
     * Where the interface is now, which differs from where it was added when an operator moved it by hand; the
     * configured namespace when the kernel cannot tell, and none ({@code -}) for the appliance's own.
     */
    private String netnsNow(PortInfo port) {
        String now = ports.currentNetns(port.name());
        if (now == null) {
            return port.config().netns();
        }
        return now.equals(TapPort.OWN_NETNS) ? null : now;
    }
}
