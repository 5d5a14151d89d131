package dev.jmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.mem.LoadReport;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;

/**
 * {@code inspect --load}: places a model's tensor data as the load flags ask, then reads one byte of
 * every 4 KiB page so a lazy mapping pays its page faults here and the time compares across modes.
 */
final class ModelLoad {
    private static final long PAGE = 4096;

    record Result(LoadReport placed, double touchSeconds, long touchedBytes) {
        String line() {
            String fell = placed.fallbacks().isEmpty() ? "" : "; fell back: " + String.join("; ", placed.fallbacks());
            return String.format(Locale.ROOT, "load: %s; touched %.2f GB in %.3f s (%.2f GB/s)%s",
                    placed.summary(), touchedBytes / 1e9, touchSeconds, touchedBytes / 1e9 / Math.max(touchSeconds, 1e-9), fell);
        }
    }

    private ModelLoad() {}

    static List<Result> run(GgufModel model, LoadOptions options) {
        try (TensorDataSource data = TensorDataSource.open(model, options)) {
            long start = System.nanoTime();
            long bytes = 0;
            long checksum = 0;
            for (GgufTensorInfo t : model.tensors()) {
                MemorySegment s = data.segment(t);
                for (long i = 0; i < s.byteSize(); i += PAGE) checksum += s.get(ValueLayout.JAVA_BYTE, i);
                bytes += s.byteSize();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (checksum == Long.MIN_VALUE) System.out.print(""); // keeps the reads from being optimised away
            long total = bytes;
            return data.reports().stream()
                    .map(r -> new Result(r, seconds * r.bytes() / Math.max(1, total), r.bytes()))
                    .toList();
        }
    }

    static ArrayNode toJson(List<Result> results) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (Result r : results) {
            LoadReport p = r.placed();
            var o = arr.addObject().put("file", p.file().toString()).put("mode", p.mode().label())
                    .put("bytes", p.bytes()).put("locked", p.locked()).put("seconds", p.seconds())
                    .put("gbPerSecond", p.gbPerSecond()).put("touchSeconds", r.touchSeconds());
            ArrayNode fb = o.putArray("fallbacks");
            p.fallbacks().forEach(fb::add);
        }
        return arr;
    }
}
