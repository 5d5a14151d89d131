package dev.jmoe.host.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/** llama-sweep-bench's table, and its rows as JSON objects (its field names). */
public final class SweepTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepTable() {}

    /** The header and separator; a PCIe GB/s column when {@code withTransfer}. */
    public static String header(boolean withTransfer) {
        return "|    PP |     TG |   N_KV |   T_PP s | S_PP t/s |   T_TG s | S_TG t/s |" + (withTransfer ? " PCIe GB/s |" : "") + "\n"
                + "|-------|--------|--------|----------|----------|----------|----------|" + (withTransfer ? "-----------|" : "") + "\n";
    }

    public static String row(SweepRow r, boolean withTransfer) {
        String line = String.format(Locale.ROOT, "| %5d | %6d | %6d | %8.3f | %8.2f | %8.3f | %8.2f |",
                r.nPp(), r.nTg(), r.nKv(), r.tPp(), r.speedPp(), r.tTg(), r.speedTg());
        if (withTransfer) line += r.transfer().map(t -> String.format(Locale.ROOT, " %9.2f |", t.pcieGbPerSecond())).orElse("           |");
        return line + "\n";
    }

    public static String markdown(List<SweepRow> rows) {
        boolean transfer = rows.stream().anyMatch(r -> r.transfer().isPresent());
        StringBuilder sb = new StringBuilder(header(transfer));
        for (SweepRow r : rows) sb.append(row(r, transfer));
        return sb.toString();
    }

    public static String jsonLine(SweepRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("n_pp", r.nPp()).put("n_tg", r.nTg()).put("n_kv", r.nKv())
                .put("t_pp", r.tPp()).put("speed_pp", r.speedPp()).put("t_tg", r.tTg()).put("speed_tg", r.speedTg());
        r.transfer().ifPresent(t -> o.put("pcie_gbps", t.pcieGbPerSecond()));
        return BenchRecords.compact(o);
    }
}
