package dev.jmoe.host.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.gguf.GgufModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place that says where each tensor lives, decided once at load by {@link DevicePlanner}
 * from the rules of {@code -ngl}, {@code -ot}, {@code --cpu-moe} and {@code --n-cpu-moe}; the forward
 * pass asks {@link #deviceOf} rather than deciding itself. It also knows what each device holds (bytes
 * per {@link TensorKind}, the KV cache of the layers placed there, the expert staging ring, the GPU reserve) for the summary
 * printed at load ({@link #table()}, {@link #toJson()}).
 */
public final class Placement {
    /** One tensor and where it lives. */
    public record PlacedTensor(String name, long bytes, TensorKind kind, Device device) {}

    /**
     * The {@link StagingRing} GPU prompt processing uploads the host experts into: on {@code device} (null: no GPU
     * expert path), {@code bytes} of it; {@code note} says why there is none where host experts and a GPU are.
     */
    public record Staging(Device device, long bytes, String note) {
        static final Staging NONE = new Staging(null, 0, null);

        static Staging none(String note) {
            return new Staging(null, 0, note);
        }
    }

    private final Map<String, PlacedTensor> byName;
    private final List<Device> kvDevices;
    private final KvCacheSize kv;
    private final List<GpuDevice> gpus;
    private final PlacementRules rules;
    private final int offloaded;
    private final int layers;
    private final Staging staging;

    /**
     * @param kvDevices where each repeating layer's KV cache lives
     * @param offloaded the layers counted by {@code -ngl} that went to a GPU (the output counts as one)
     */
    Placement(List<PlacedTensor> tensors, List<Device> kvDevices, KvCacheSize kv, List<GpuDevice> gpus,
              PlacementRules rules, int offloaded, int layers) {
        this(tensors, kvDevices, kv, gpus, rules, offloaded, layers, Staging.NONE);
    }

    private Placement(List<PlacedTensor> tensors, List<Device> kvDevices, KvCacheSize kv, List<GpuDevice> gpus,
                      PlacementRules rules, int offloaded, int layers, Staging staging) {
        Map<String, PlacedTensor> m = new LinkedHashMap<>();
        for (PlacedTensor t : tensors) m.put(t.name(), t);
        this.byName = m;
        this.kvDevices = List.copyOf(kvDevices);
        this.kv = kv;
        this.gpus = List.copyOf(gpus);
        this.rules = rules;
        this.offloaded = offloaded;
        this.layers = layers;
        this.staging = staging;
    }

    /** This plan with {@code staging} for its host experts. */
    Placement withStaging(Staging staging) {
        return new Placement(List.copyOf(byName.values()), kvDevices, kv, gpus, rules, offloaded, layers, staging);
    }

    /** Every tensor of {@code model} on the CPU (no GPU, no rules). */
    public static Placement allCpu(GgufModel model) {
        return DevicePlanner.plan(TensorSize.of(model), 0, PlacementRules.cpuOnly(), List.of(), KvCacheSize.UNKNOWN);
    }

    public Device deviceOf(String tensor) {
        PlacedTensor t = byName.get(tensor);
        if (t == null) throw new IllegalArgumentException("no placement for tensor '" + tensor + "'");
        return t.device();
    }

    public List<PlacedTensor> tensors() {
        return List.copyOf(byName.values());
    }

    public List<GpuDevice> gpus() {
        return gpus;
    }

    public PlacementRules rules() {
        return rules;
    }

    public KvCacheSize kvCache() {
        return kv;
    }

    /** Where repeating layer {@code il}'s KV cache lives (the device of that layer under -ngl, as in llama.cpp). */
    public Device kvDevice(int il) {
        return kvDevices.get(il);
    }

    /** The count {@code -ngl} resolved to: repeating layers offloaded, plus one when the output is. */
    public int offloadedLayers() {
        return offloaded;
    }

    public int layers() {
        return layers;
    }

    /** The CPU, then every GPU of the plan (in index order), whether or not it holds anything. */
    public List<Device> devices() {
        List<Device> out = new ArrayList<>();
        out.add(Device.CPU);
        gpus.forEach(g -> out.add(g.device()));
        return out;
    }

    public boolean usesGpu() {
        return byName.values().stream().anyMatch(t -> !t.device().isCpu()) || kvDevices.stream().anyMatch(d -> !d.isCpu());
    }

    public long bytes(Device d, TensorKind kind) {
        long sum = 0;
        for (PlacedTensor t : byName.values()) if (t.device().equals(d) && t.kind() == kind) sum += t.bytes();
        return sum;
    }

    public long weightBytes(Device d) {
        long sum = 0;
        for (PlacedTensor t : byName.values()) if (t.device().equals(d)) sum += t.bytes();
        return sum;
    }

    public long kvBytes(Device d) {
        return kvDevices.stream().filter(d::equals).count() * kv.bytesPerLayer();
    }

    /** The memory a GPU keeps free for what the plan does not count; none on the host. */
    public long reserveBytes(Device d) {
        return d.isCpu() ? 0 : rules.gpuReserveBytes();
    }

    /** Where host experts go up to a GPU for prompt processing, how much room that takes, or why they do not. */
    public Staging staging() {
        return staging;
    }

    /** The staging ring's bytes on {@code d}. */
    public long stagingBytes(Device d) {
        return d.equals(staging.device()) ? staging.bytes() : 0;
    }

    /** Weights, KV cache, expert staging and reserve on {@code d}. */
    public long neededBytes(Device d) {
        return weightBytes(d) + kvBytes(d) + stagingBytes(d) + reserveBytes(d);
    }

    /** The flags that made the overrides, each once, in order. */
    public List<String> overrideSources() {
        LinkedHashSet<String> s = new LinkedHashSet<>();
        rules.overrides().forEach(o -> s.add(o.source()));
        return List.copyOf(s);
    }

    /** One line for the load log, e.g. {@code placement: cpu 27 tensors}. */
    public String summary() {
        Map<String, Integer> counts = new TreeMap<>();
        byName.values().forEach(t -> counts.merge(t.device().toString(), 1, Integer::sum));
        StringBuilder b = new StringBuilder("placement:");
        counts.forEach((d, n) -> b.append(' ').append(d).append(' ').append(n).append(" tensors"));
        return b.toString();
    }

    /** The summary table printed at load: bytes per device per tensor kind, KV cache, reserve. */
    public String table() {
        return PlacementTable.render(this);
    }

    /** The plan as JSON, every tensor with its device, for {@code jmoe inspect --placement --json}. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.putObject("gpuLayers").put("requested", rules.gpuLayers().toString()).put("offloaded", offloaded)
                .put("layers", layers).put("outputOffloaded", offloaded > layers);
        ArrayNode ov = root.putArray("overrides");
        overrideSources().forEach(ov::add);
        root.putObject("kvCache").put("positions", kv.positions()).put("types", kv.types()).put("bytesPerLayer", kv.bytesPerLayer());
        ObjectNode st = root.putObject("expertStaging").put("slots", staging.device() == null ? 0 : StagingRing.SLOTS)
                .put("bytes", staging.bytes());
        if (staging.device() != null) st.put("device", staging.device().bufferName());
        if (staging.note() != null) st.put("note", staging.note());
        ArrayNode devs = root.putArray("devices");
        for (Device d : devices()) {
            ObjectNode o = devs.addObject().put("device", d.bufferName());
            gpus.stream().filter(g -> g.device().equals(d)).findFirst()
                    .ifPresent(g -> o.put("name", g.name()).put("freeBytes", g.freeBytes()));
            ObjectNode kinds = o.putObject("bytes");
            for (TensorKind k : TensorKind.values()) kinds.put(k.label(), bytes(d, k));
            o.put("weightBytes", weightBytes(d)).put("kvBytes", kvBytes(d)).put("stagingBytes", stagingBytes(d)).put("reserveBytes", reserveBytes(d)).put("totalBytes", neededBytes(d));
        }
        ArrayNode ts = root.putArray("tensors");
        for (PlacedTensor t : byName.values()) {
            ts.addObject().put("name", t.name()).put("kind", t.kind().label()).put("bytes", t.bytes()).put("device", t.device().bufferName());
        }
        return root;
    }
}
