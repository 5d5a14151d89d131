package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.model.GpuLayers;
import dev.jmoe.host.mem.HugePageMode;
import dev.jmoe.host.numa.NumaMode;

import java.util.List;
import java.util.function.Function;

/**
 * The engine flags a result row can show, with llama-bench's column names and jmoe's defaults. The table
 * shows a flag's column only when some row differs from the default (threads always), as llama-bench does.
 */
enum BenchField {
    THREADS("threads", o -> String.valueOf(o.threads()), null, "threads", true),
    N_BATCH("n_batch", o -> String.valueOf(o.batch()), "2048", "logical batch -b (tokens)", true),
    N_UBATCH("n_ubatch", o -> String.valueOf(o.ubatch()), "512", "micro-batch -ub (tokens)", true),
    TYPE_K("type_k", o -> o.cacheK().label(), "f16", "K cache type", false),
    TYPE_V("type_v", o -> o.cacheV().label(), "f16", "V cache type", false),
    MMAP("mmap", o -> o.load().mapsFile() ? "1" : "0", "1", "mmap", false),
    MLOCK("mlock", o -> o.load().mlock() ? "1" : "0", "0", "mlock", false),
    HUGEPAGES("hugepages", o -> o.load().hugePages().flag(), HugePageMode.OFF.flag(), "huge pages", false),
    NUMA("numa", BenchField::numa, NumaMode.OFF.flag(), "--numa placement", false),
    N_GPU_LAYERS("ngl", o -> o.placement().gpuLayers().toString(), GpuLayers.AUTO.toString(), "GPU layers -ngl", false),
    OFFLOAD_BATCH("offload_batch_size", BenchField::offloadBatch, "32", "--offload-batch-size", false),
    EXPERT_PIN("expert_pin", BenchField::expertPin, "auto", "--expert-pin mode", false);

    /** The --numa mode; no NUMA step at all reads as off (nothing is placed either way). */
    static String numa(EngineOptions o) {
        return o.load().numa() == null ? NumaMode.OFF.flag() : o.load().numa().mode().flag();
    }

    /** {@code --offload-batch-size}: the threshold, or {@code auto}. */
    static String offloadBatch(EngineOptions o) {
        return switch (o.offload().batchSize()) {
            case OffloadBatchSize.Fixed f -> String.valueOf(f.threshold());
            case OffloadBatchSize.Auto a -> "auto";
        };
    }

    /** {@code --expert-pin}: the mode asked for, or {@code auto} (chosen at load). */
    static String expertPin(EngineOptions o) {
        return o.offload().expertPin() == null ? "auto" : o.offload().expertPin();
    }

    final String header;
    final Function<EngineOptions, String> value;
    /** null: always shown. */
    final String defaultValue;
    /** The axis title when a plot puts this flag on its x axis, with the unit where it has one. */
    final String axisLabel;
    /** Whether the values are numbers (a numeric axis) rather than names (one tick per value). */
    final boolean numeric;

    BenchField(String header, Function<EngineOptions, String> value, String defaultValue, String axisLabel, boolean numeric) {
        this.header = header;
        this.value = value;
        this.defaultValue = defaultValue;
        this.axisLabel = axisLabel;
        this.numeric = numeric;
    }

    boolean shown(List<BenchResult> results) {
        return defaultValue == null || results.stream().anyMatch(r -> !value.apply(r.options()).equals(defaultValue));
    }
}
