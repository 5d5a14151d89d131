package dev.jmoe.host.topo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Left-aligned columns, two spaces apart, each as wide as its widest cell; indented by two spaces. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    /** A table whose first row is {@code header}; none for a plain key/value list. */
    TextTable(String... header) {
        if (header.length > 0) rows.add(header);
    }

    TextTable row(Object... cells) {
        rows.add(Arrays.stream(cells).map(String::valueOf).toArray(String[]::new));
        return this;
    }

    void appendTo(StringBuilder out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) width[c] = Math.max(width[c], row[c].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < row.length; c++) {
                line.append(row[c]);
                if (c < row.length - 1) line.append(" ".repeat(width[c] - row[c].length() + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
