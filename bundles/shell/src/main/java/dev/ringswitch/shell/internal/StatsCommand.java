package dev.ringswitch.shell.internal;

import dev.ringswitch.api.module.DropReason;
import dev.ringswitch.api.stats.PortStats;
import dev.ringswitch.api.stats.StatsService;
import dev.ringswitch.api.stats.StatsSnapshot;
import dev.ringswitch.api.stats.VlanStats;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import java.io.PrintStream;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code ringswitch:stats}: traffic counters of every port and VLAN, or of one port with its drops by reason. Counters
 * run since the last stats-clear; {@code --totals} shows them since the statistics module started.
 */
@Service
@Command(scope = "ringswitch", name = "stats", description = "Shows traffic counters of the ports and VLANs")
public class StatsCommand extends ListingCommand {

    @Argument(index = 0, name = "name", description = "Only this port, with its drops by reason")
    @Completion(PortNameCompleter.class)
    String name;

    @Argument(index = 1, name = TrailingOptions.ARGUMENT, multiValued = true, description = TrailingOptions.DESCRIPTION)
    List<String> more;

    @Option(name = "--totals", description = "Counters since the module started, ignoring stats-clear")
    boolean totals;

    @Reference(optional = true)
    StatsService stats;

    @Override
    void run(PrintStream out) {
        StatsService service = require(stats, Modules.STATS, Modules.STATS_FEATURE);
        StatsSnapshot snapshot = totals ? service.totals() : service.snapshot();
        if (name != null) {
            PortStats port = snapshot.port(name)
                    .orElseThrow(() -> new IllegalArgumentException("No such port " + name));
            portFields(port).print(out, json);
            return;
        }
        Table ports = new Table()
                .column("port", "Port")
                .number("rxPackets", "RX packets")
                .number("rxBytes", "RX bytes")
                .number("txPackets", "TX packets")
                .number("txBytes", "TX bytes")
                .number("rxDrops", "RX drops")
                .number("txDrops", "TX drops")
                .number("flooded", "Flooded")
                .number("errors", "Errors")
                .whenEmpty("No ports");
        for (PortStats p : snapshot.ports()) {
            ports.row(p.port(), p.rxPackets(), p.rxBytes(), p.txPackets(), p.txBytes(), p.rxDropsTotal(),
                    p.txDropsTotal(), p.flooded(), p.rxErrors() + p.txErrors());
        }
        Table vlans = new Table()
                .number("vlan", "VLAN")
                .number("frames", "Frames")
                .number("bytes", "Bytes");
        for (VlanStats v : snapshot.vlans()) {
            vlans.row(v.vlan(), v.frames(), v.bytes());
        }
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("ports", ports.records());
            all.put("vlans", vlans.records());
            out.println(Json.write(all));
            return;
        }
        ports.print(out, false);
        if (!snapshot.vlans().isEmpty()) {
            out.println();
            vlans.print(out, false);
        }
    }

    private static Fields portFields(PortStats p) {
        return new Fields()
                .add("port", "Port", p.port())
                .add("rxPackets", "RX packets", p.rxPackets())
                .add("rxBytes", "RX bytes", p.rxBytes())
                .add("txPackets", "TX packets", p.txPackets())
                .add("txBytes", "TX bytes", p.txBytes())
                .add("rxDrops", "RX drops", byLabel(p.rxDrops()), drops(p.rxDropsTotal(), p.rxDrops()))
                .add("txDrops", "TX drops", byLabel(p.txDrops()), drops(p.txDropsTotal(), p.txDrops()))
                .add("flooded", "Flooded", p.flooded())
                .add("rxErrors", "RX errors", p.rxErrors())
                .add("txErrors", "TX errors", p.txErrors());
    }

    private static Map<String, Long> byLabel(Map<DropReason, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((reason, n) -> out.put(reason.label(), n));
        return out;
    }

    /** @return e.g. {@code 5 (runt 2, malformed 3)}; reasons without drops are left out */
    private static String drops(long total, Map<DropReason, Long> counts) {
        StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
        counts.forEach((reason, n) -> {
            if (n != 0) {
                reasons.add(reason.label() + " " + n);
            }
        });
        return total + reasons.toString();
    }
}
