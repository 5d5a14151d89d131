package dev.jmoe.host.bench;

import java.util.List;
import java.util.Locale;

/** The output formats of {@code jmoe bench -o}. */
public enum BenchFormat {
    MD, CSV, JSON, JSONL;

    public static BenchFormat parse(String text) {
        for (BenchFormat f : values()) if (f.name().equalsIgnoreCase(text)) return f;
        throw new IllegalArgumentException("unknown output format '" + text + "' (expected md, csv, json or jsonl)");
    }

    public String render(List<BenchResult> results) {
        return switch (this) {
            case MD -> BenchTable.markdown(results);
            case CSV -> BenchRecords.csv(results);
            case JSON -> BenchRecords.json(results);
            case JSONL -> BenchRecords.jsonLines(results);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
