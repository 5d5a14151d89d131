package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufFile;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.TensorTotals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code jmoe inspect}: a GGUF model's metadata, tensor table and where its bytes go. Reads only the header. */
@Command(name = "inspect", description = "Shows a GGUF model's metadata, tensors (type, shape, bytes, file offset) and totals: "
        + "by type, and expert tensors (host-resident in hybrid mode) versus the rest.")
public final class InspectCommand implements Callable<Integer> {
    /** Array items shown in text mode before "… (N items)". */
    static final int SHOWN_ITEMS = 8;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The GGUF file (any part of a split model).")
    Path model;

    @Option(names = "--json", description = "Print JSON (complete metadata arrays) instead of text.")
    boolean json;

    @Option(names = "--tensors", paramLabel = "REGEX", description = "Only tensors whose name contains a match (totals cover these).")
    Pattern tensorFilter;

    @Option(names = "--load", description = "Also place the tensor data in memory as the load flags ask, touch every page, and report mode, time and GB/s.")
    boolean load;

    @Option(names = "--placement", description = "Print where the engine flags (-ngl, -ot, --cpu-moe, --n-cpu-moe, -c, -ctk, -ctv) would put "
            + "each tensor and the KV cache, on this machine's GPUs or those of --gpu-mem; loads nothing.")
    boolean placement;

    @Option(names = "--gpu-mem", split = ",", paramLabel = "GiB", description = "With --placement: plan for hypothetical GPUs of this much memory "
            + "(CUDA0, CUDA1, ... comma-separated) instead of this machine's.")
    List<Double> gpuMem;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GgufModel m = GgufModel.open(model);
        List<GgufTensorInfo> tensors = m.tensors().stream()
                .filter(t -> tensorFilter == null || tensorFilter.matcher(t.name()).find()).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (gpuMem != null && !placement) throw new CommandLine.ParameterException(spec.commandLine(), "--gpu-mem needs --placement");
        if (placement) {
            InspectPlacement.print(m, engineFlags.toOptions(0), InspectPlacement.gpus(spec, gpuMem), tensorFilter, json, out);
            out.flush();
            return 0;
        }
        List<ModelLoad.Result> loads = load ? ModelLoad.run(m, engineFlags.load.toOptions()) : List.of();
        if (json) {
            ObjectNode root = toJson(m, tensors);
            if (load) root.set("load", ModelLoad.toJson(loads));
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
        } else {
            new TextReport(out, m, tensors).print();
            for (ModelLoad.Result r : loads) out.println(r.line());
        }
        out.flush();
        return 0;
    }

    static ObjectNode toJson(GgufModel m, List<GgufTensorInfo> tensors) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", m.version());
        ArrayNode parts = root.putArray("files");
        for (GgufFile p : m.parts()) {
            parts.addObject().put("path", p.path().toString()).put("size", p.fileSize())
                    .put("alignment", p.alignment()).put("dataOffset", p.dataStart());
        }
        ObjectNode md = root.putObject("metadata");
        m.metadata().asMap().forEach((k, v) -> md.set(k, valueJson(v)));
        ArrayNode ts = root.putArray("tensors");
        for (GgufTensorInfo t : tensors) {
            ObjectNode o = ts.addObject().put("name", t.name()).put("type", t.type().name());
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            o.put("offset", t.fileOffset()).put("bytes", t.bytes());
            if (m.parts().size() > 1) o.put("file", t.file().getFileName().toString());
        }
        TensorTotals totals = TensorTotals.of(tensors);
        ObjectNode tot = root.putObject("totals");
        tot.put("count", totals.all().count()).put("bytes", totals.all().bytes());
        ObjectNode byType = tot.putObject("byType");
        totals.byType().forEach((type, s) -> byType.set(type.name(), sumJson(s, totals.all())));
        tot.set("experts", sumJson(totals.experts(), totals.all()));
        tot.set("others", sumJson(totals.others(), totals.all()));
        return root;
    }

    private static ObjectNode sumJson(TensorTotals.Sum s, TensorTotals.Sum all) {
        return JsonNodeFactory.instance.objectNode().put("count", s.count()).put("bytes", s.bytes())
                .put("percent", Math.round(s.percentOf(all) * 100) / 100.0);
    }

    static JsonNode valueJson(GgufValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case GgufValue.Str s -> f.textNode(s.value());
            case GgufValue.Bool b -> f.booleanNode(b.value());
            case GgufValue.Float32 x -> f.numberNode(x.value());
            case GgufValue.Float64 x -> f.numberNode(x.value());
            case GgufValue.UInt64 u -> f.numberNode(new BigInteger(Long.toUnsignedString(u.value())));
            case GgufValue.Array a -> {
                ArrayNode arr = f.arrayNode(a.size());
                for (GgufValue item : a.items()) arr.add(valueJson(item));
                yield arr;
            }
            default -> f.numberNode(v.integerValue().orElseThrow());
        };
    }

    /** The text form: header, metadata with long arrays abbreviated, tensor table, totals. */
    private record TextReport(PrintWriter out, GgufModel m, List<GgufTensorInfo> tensors) {
        void print() {
            header();
            metadata();
            tensorTable();
            totals();
        }

        private void header() {
            out.printf("%s: GGUF v%d, %d part%s, %d metadata entries, %d tensors%n", m.path(), m.version(), m.parts().size(),
                    m.parts().size() == 1 ? "" : "s", m.metadata().size(), m.tensors().size());
            for (GgufFile p : m.parts()) {
                out.printf("  %s: %s, alignment %d, data at byte %d%n", p.path().getFileName(), size(p.fileSize()), p.alignment(), p.dataStart());
            }
        }

        private void metadata() {
            out.println();
            out.println("metadata:");
            int width = m.metadata().keys().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, GgufValue> e : m.metadata().asMap().entrySet()) {
                GgufValue v = e.getValue();
                String type = v instanceof GgufValue.Array a ? "array[" + a.elementType().label() + "]" : v.type().label();
                out.printf("  %-" + width + "s  %-14s %s%n", e.getKey(), type, v.render(SHOWN_ITEMS));
            }
        }

        private void tensorTable() {
            out.println();
            out.printf("tensors%s:%n", tensors.size() == m.tensors().size() ? "" : " (" + tensors.size() + " of " + m.tensors().size() + ")");
            int width = Math.max(4, tensors.stream().mapToInt(t -> t.name().length()).max().orElse(0));
            boolean split = m.parts().size() > 1;
            String row = "  %-" + width + "s  %-7s %-20s %14s %14s  %-5s%s%n";
            out.printf(row, "name", "type", "shape", "bytes", "offset", "align", split ? "  file" : "");
            for (GgufTensorInfo t : tensors) {
                String align = t.isAligned2M() ? "2M" : t.isAligned4K() ? "4K" : "-";
                out.printf(row, t.name(), t.type(), t.shapeText(), t.bytes(), t.fileOffset(), align,
                        split ? "  " + t.file().getFileName() : "");
            }
        }

        private void totals() {
            TensorTotals totals = TensorTotals.of(tensors);
            out.println();
            out.println("totals by type:");
            for (Map.Entry<GgmlType, TensorTotals.Sum> e : totals.byType().entrySet()) {
                line(e.getKey().name(), e.getValue(), totals.all());
            }
            out.println("totals by class:");
            line("experts (*_exps)", totals.experts(), totals.all());
            line("others", totals.others(), totals.all());
            line("all", totals.all(), totals.all());
        }

        private void line(String label, TensorTotals.Sum s, TensorTotals.Sum all) {
            out.printf("  %-18s %5d tensors %14d bytes %10s %6.2f%%%n", label, s.count(), s.bytes(), size(s.bytes()), s.percentOf(all));
        }

        private static String size(long bytes) {
            return bytes >= 1L << 30 ? String.format("%.2f GiB", bytes / (double) (1L << 30))
                    : String.format("%.2f MiB", bytes / (double) (1L << 20));
        }
    }
}
