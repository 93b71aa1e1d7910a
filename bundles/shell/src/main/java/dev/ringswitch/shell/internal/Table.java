package dev.ringswitch.shell.internal;

import org.apache.karaf.shell.support.table.Col;
import org.apache.karaf.shell.support.table.ShellTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of typed cells, printed either as a Karaf {@link ShellTable} or as a JSON array of objects. Each column has a
 * JSON key and a header; numbers are right-aligned in the table and stay numbers in JSON; {@code null} prints as
 * {@code -} in the table.
 */
final class Table {

    private final List<String> keys = new ArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> numeric = new ArrayList<>();
    private final List<Object[]> rows = new ArrayList<>();
    private String emptyText = "";

    /**
     * @param key the JSON key
     * @param header the table header
     * @return this
     */
    Table column(String key, String header) {
        return add(key, header, false);
    }

    /**
     * @param key the JSON key
     * @param header the table header
     * @return this, with a right-aligned column
     */
    Table number(String key, String header) {
        return add(key, header, true);
    }

    private Table add(String key, String header, boolean isNumber) {
        keys.add(key);
        headers.add(header);
        numeric.add(isNumber);
        return this;
    }

    /**
     * @param text what the table prints when it has no rows (JSON prints {@code []})
     * @return this
     */
    Table whenEmpty(String text) {
        emptyText = text;
        return this;
    }

    /**
     * @param cells one value per column, in column order
     * @return this
     */
    Table row(Object... cells) {
        if (cells.length != keys.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + keys.size() + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** @return the rows as JSON-ready maps, keyed by column key */
    List<Map<String, Object>> records() {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Object[] cells : rows) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (int i = 0; i < cells.length; i++) {
                record.put(keys.get(i), cells[i]);
            }
            out.add(record);
        }
        return out;
    }

    /**
     * @param out where to print
     * @param json JSON instead of a table
     */
    void print(PrintStream out, boolean json) {
        if (json) {
            out.println(Json.write(records()));
            return;
        }
        ShellTable table = new ShellTable().emptyTableText(emptyText);
        for (int i = 0; i < headers.size(); i++) {
            Col col = table.column(headers.get(i));
            if (numeric.get(i)) {
                col.alignRight();
            }
        }
        for (Object[] cells : rows) {
            List<Object> text = new ArrayList<>(cells.length);
            for (Object cell : cells) {
                text.add(cell == null ? "-" : cell);
            }
            table.addRow().addContent(text);
        }
        table.print(out);
    }
}
