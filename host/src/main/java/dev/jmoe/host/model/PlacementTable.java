package dev.jmoe.host.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The placement summary as a small table people paste into issues: one column per device, one row per
 * tensor kind, then KV cache, expert staging, reserve and totals, all in MiB (as llama.cpp reports buffer sizes) so
 * columns compare at a glance.
 */
final class PlacementTable {
    private PlacementTable() {}

    static String render(Placement p) {
        List<Device> devices = p.devices();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[devices.size() + 1];
        header[0] = "";
        for (int i = 0; i < devices.size(); i++) header[i + 1] = devices.get(i).bufferName();
        rows.add(header);
        for (TensorKind k : TensorKind.values()) {
            if (k == TensorKind.OTHER && devices.stream().allMatch(d -> p.bytes(d, k) == 0)) continue;
            rows.add(row(k.label(), devices, d -> mib(p.bytes(d, k))));
        }
        rows.add(row("KV cache", devices, d -> mib(p.kvBytes(d))));
        if (p.staging().device() != null) rows.add(row("expert staging", devices, d -> d.isCpu() ? "-" : mib(p.stagingBytes(d))));
        if (!p.gpus().isEmpty()) rows.add(row("reserve", devices, d -> d.isCpu() ? "-" : mib(p.reserveBytes(d))));
        rows.add(row("total", devices, d -> mib(p.neededBytes(d))));
        if (!p.gpus().isEmpty()) {
            rows.add(row("GPU memory", devices, d -> d.isCpu() ? "-"
                    : mib(p.gpus().stream().filter(g -> g.device().equals(d)).findFirst().orElseThrow().freeBytes())));
        }
        StringBuilder out = new StringBuilder(headline(p)).append('\n');
        appendAligned(rows, out);
        for (GpuDevice g : p.gpus()) out.append("  ").append(g.device().bufferName()).append(": ").append(g.name()).append('\n');
        if (p.staging().note() != null) out.append("  ").append(p.staging().note()).append('\n');
        return out.toString();
    }

    private static String headline(Placement p) {
        StringBuilder b = new StringBuilder("placement: -ngl ").append(p.rules().gpuLayers());
        if (p.gpus().isEmpty()) {
            b.append(", no GPU: everything on the CPU");
        } else {
            int repeating = Math.min(p.offloadedLayers(), p.layers());
            b.append(", ").append(repeating).append(" of ").append(p.layers()).append(" layers")
                    .append(p.offloadedLayers() > p.layers() ? " and the output" : "").append(" offloaded");
            if (p.rules().gpuLayers().mode() == GpuLayers.Mode.AUTO) b.append(expertsLine(p));
        }
        List<String> sources = p.overrideSources();
        if (!sources.isEmpty()) b.append("; overrides (first match wins): ").append(String.join(", ", sources));
        KvCacheSize kv = p.kvCache();
        if (kv.known()) b.append("; KV cache ").append(kv.types()).append(", ").append(kv.positions()).append(" positions");
        return b.toString();
    }

    /** Where -ngl auto put the experts: all on the host, all up, or the last layers' up (the memory left took them). */
    private static String expertsLine(Placement p) {
        Set<Integer> all = new TreeSet<>(), up = new TreeSet<>();
        for (Placement.PlacedTensor t : p.tensors()) {
            if (t.kind() != TensorKind.EXPERTS) continue;
            all.add(TensorKind.blockOf(t.name()));
            if (!t.device().isCpu()) up.add(TensorKind.blockOf(t.name()));
        }
        if (up.isEmpty()) return ", experts on the host";
        if (up.size() == all.size()) return ", experts too";
        return ", experts of the last " + up.size() + " of " + all.size() + " MoE layers too (the rest on the host)";
    }

    private interface Cell {
        String of(Device d);
    }

    private static String[] row(String label, List<Device> devices, Cell cell) {
        String[] r = new String[devices.size() + 1];
        r[0] = label;
        for (int i = 0; i < devices.size(); i++) r[i + 1] = cell.of(devices.get(i));
        return r;
    }

    /** First column left-aligned, numbers right-aligned, two spaces apart, indented by two. */
    private static void appendAligned(List<String[]> rows, StringBuilder out) {
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ").append(r[0]).append(" ".repeat(width[0] - r[0].length()));
            for (int c = 1; c < r.length; c++) line.append("  ").append(" ".repeat(width[c] - r[c].length())).append(r[c]);
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1L << 20));
    }
}
