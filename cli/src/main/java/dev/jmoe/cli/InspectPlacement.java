package dev.jmoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.engine.BackendProvider;
import dev.jmoe.host.engine.BackendSelection;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.KvCacheSizing;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.model.KvCacheSize;
import dev.jmoe.host.model.ModelConfig;
import dev.jmoe.host.model.Placement;
import dev.jmoe.host.model.DevicePlanner;
import dev.jmoe.host.model.TensorSize;
import dev.jmoe.host.model.UnsupportedModelException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code inspect --placement}: the plan the placement rules make for a model, on this machine's GPUs or on
 * hypothetical ones ({@code --gpu-mem}), so a plan can be checked on a box without a GPU. Reads only the header.
 */
final class InspectPlacement {
    private InspectPlacement() {}

    /** The GPUs of {@code --gpu-mem}, or those the installed backend finds (usable or not); null means "this machine". */
    static Gpus gpus(CommandLine.Model.CommandSpec spec, List<Double> gibs) {
        if (gibs == null) {
            BackendProvider.Status status = BackendSelection.status(BackendProvider::installed);
            return new Gpus(status.devices(), status.devices().isEmpty() ? status.reason() : null);
        }
        List<GpuDevice> out = new ArrayList<>();
        for (double gib : gibs) {
            if (!(gib > 0) || gib > 1 << 20) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--gpu-mem': " + gib + " (expected GiB > 0)");
            }
            out.add(new GpuDevice(out.size(), String.format(Locale.ROOT, "hypothetical GPU, %s GiB (--gpu-mem)", trim(gib)), (long) (gib * (1L << 30))));
        }
        return new Gpus(out, null);
    }

    /** @param noGpuReason why the plan has no GPU, or null when it has some */
    record Gpus(List<GpuDevice> devices, String noGpuReason) {}

    static void print(GgufModel m, EngineOptions options, Gpus gpus, Pattern tensorFilter, boolean json, PrintWriter out) throws Exception {
        String kvNote = null;
        KvCacheSize kv = KvCacheSize.UNKNOWN;
        int layers;
        try {
            ModelConfig c = ModelConfig.from(m);
            layers = c.layers();
            kv = KvCacheSizing.of(c, Engine.contextSize(c, options), options.cacheK(), options.cacheV());
        } catch (UnsupportedModelException e) {
            String arch = m.metadata().getString("general.architecture");
            layers = m.metadata().getInt(arch + ".block_count");
            kvNote = "KV cache not counted: " + e.getMessage();
        }
        Placement p = DevicePlanner.plan(TensorSize.of(m), layers, options.placement(), gpus.devices(), kv);
        String gpuNote = gpus.noGpuReason() == null ? null
                : "no GPU here (" + gpus.noGpuReason() + "); --gpu-mem GiB shows the plan for a GPU of that size";
        if (json) {
            ObjectNode root = p.toJson();
            if (gpuNote != null) root.put("note", gpuNote);
            if (kvNote != null) root.put("kvNote", kvNote);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return;
        }
        out.print(p.table());
        if (kvNote != null) out.println(kvNote);
        if (gpuNote != null) out.println(gpuNote);
        if (tensorFilter != null) tensorList(p, tensorFilter, out);
    }

    private static void tensorList(Placement p, Pattern filter, PrintWriter out) {
        List<Placement.PlacedTensor> shown = p.tensors().stream().filter(t -> filter.matcher(t.name()).find()).toList();
        int width = Math.max(4, shown.stream().mapToInt(t -> t.name().length()).max().orElse(0));
        out.println();
        out.printf("  %-" + width + "s  %-17s %12s  %s%n", "name", "kind", "bytes", "device");
        for (Placement.PlacedTensor t : shown) {
            out.printf("  %-" + width + "s  %-17s %12d  %s%n", t.name(), t.kind().label(), t.bytes(), t.device().bufferName());
        }
    }

    private static String trim(double gib) {
        return gib == Math.rint(gib) ? String.format(Locale.ROOT, "%.0f", gib) : String.valueOf(gib);
    }
}
