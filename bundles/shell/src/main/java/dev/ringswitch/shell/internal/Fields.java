package dev.ringswitch.shell.internal;

import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named values of one object (a status, one port's statistics), printed as a two-column "label value" table or as
 * one JSON object.
 */
final class Fields {

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<String[]> lines = new ArrayList<>();

    /**
     * @param key the JSON key
     * @param label the label in the table
     * @param value the value; a map or list stays nested in JSON and prints with toString in the table
     * @return this
     */
    Fields add(String key, String label, Object value) {
        return add(key, label, value, value == null ? "-" : String.valueOf(value));
    }

    /**
     * @param key the JSON key
     * @param label the label in the table
     * @param value the value in JSON
     * @param text how the table shows it
     * @return this
     */
    Fields add(String key, String label, Object value, String text) {
        values.put(key, value);
        lines.add(new String[] {label, text});
        return this;
    }

    /** @return the values by key, for JSON */
    Map<String, Object> values() {
        return values;
    }

    /**
     * @param out where to print
     * @param json JSON instead of a table
     */
    void print(PrintStream out, boolean json) {
        if (json) {
            out.println(Json.write(values));
            return;
        }
        ShellTable table = new ShellTable().noHeaders();
        table.column("label");
        table.column("value");
        for (String[] line : lines) {
            table.addRow().addContent(line[0], line[1]);
        }
        table.print(out);
    }
}
