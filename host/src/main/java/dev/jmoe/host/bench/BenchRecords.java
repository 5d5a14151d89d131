package dev.jmoe.host.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.model.GpuLayers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Results as records for machines: JSON (an array, one object a line), JSON lines and CSV, with
 * llama-bench's field names ({@code n_batch}, {@code type_k}, {@code avg_ts}, {@code samples_ts}, ...) plus
 * {@code model} and {@code threads}; {@code pcie_gbps} and {@code pin_hit_rate} only on rows that have them.
 */
public final class BenchRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchRecords() {}

    public static ObjectNode toJson(BenchResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", r.model().type());
        o.put("model_filename", r.model().file());
        o.put("model_type", r.model().type());
        o.put("model_size", r.model().sizeBytes());
        o.put("model_n_params", r.model().params());
        o.put("backend", r.backend());
        o.put("threads", r.options().threads());
        o.put("n_threads", r.options().threads());
        o.put("n_batch", r.options().batch());
        o.put("n_ubatch", r.options().ubatch());
        o.put("type_k", r.options().cacheK().label());
        o.put("type_v", r.options().cacheV().label());
        o.put("use_mmap", r.options().load().mapsFile());
        o.put("use_mlock", r.options().load().mlock());
        o.put("hugepages", r.options().load().hugePages().flag());
        o.put("numa", BenchField.numa(r.options()));
        GpuLayers ngl = r.options().placement().gpuLayers();
        if (ngl.mode() == GpuLayers.Mode.COUNT) o.put("n_gpu_layers", ngl.count());
        else o.put("n_gpu_layers", ngl.toString());
        o.put("offload_batch_size", BenchField.offloadBatch(r.options()));
        o.put("expert_pin", BenchField.expertPin(r.options()));
        o.put("test", r.test().name());
        o.put("n_prompt", r.test().nPrompt());
        o.put("n_gen", r.test().nGen());
        o.put("n_depth", r.test().nDepth());
        long[] ns = r.samplesNs();
        SampleStats nsStats = SampleStats.of(Arrays.stream(ns).asDoubleStream().toArray());
        SampleStats ts = r.stats();
        o.put("avg_ns", Math.round(nsStats.mean()));
        o.put("stddev_ns", Math.round(nsStats.stddev()));
        o.put("avg_ts", ts.mean());
        o.put("stddev_ts", ts.stddev());
        var samplesNs = o.putArray("samples_ns");
        for (long n : ns) samplesNs.add(n);
        var samplesTs = o.putArray("samples_ts");
        for (double t : r.samplesTs()) samplesTs.add(t);
        r.transfer().ifPresent(t -> o.put("pcie_gbps", t.pcieGbPerSecond()).put("pin_hit_rate", t.pinCacheHitRate()));
        return o;
    }

    /** A JSON array, one result object a line. */
    public static String json(List<BenchResult> results) {
        if (results.isEmpty()) return "[]\n";
        return results.stream().map(r -> "  " + compact(toJson(r))).collect(Collectors.joining(",\n", "[\n", "\n]\n"));
    }

    public static String jsonLines(List<BenchResult> results) {
        StringBuilder sb = new StringBuilder();
        for (BenchResult r : results) sb.append(compact(toJson(r))).append('\n');
        return sb.toString();
    }

    /** A header of the JSON field names, then every value quoted (arrays as space-separated numbers). */
    public static String csv(List<BenchResult> results) {
        if (results.isEmpty()) return "";
        List<String> header = new ArrayList<>();
        toJson(results.getFirst()).fieldNames().forEachRemaining(header::add);
        if (results.stream().anyMatch(r -> r.transfer().isPresent()) && !header.contains("pcie_gbps")) {
            header.addAll(List.of("pcie_gbps", "pin_hit_rate"));
        }
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (BenchResult r : results) {
            ObjectNode o = toJson(r);
            sb.append(header.stream().map(h -> quote(o.has(h) ? text(o.get(h)) : "")).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    private static String text(JsonNode n) {
        if (!n.isArray()) return n.asText();
        List<String> parts = new ArrayList<>();
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) parts.add(it.next().asText());
        return String.join(" ", parts);
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String compact(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a result as JSON", e);
        }
    }
}
