package dev.jmoe.cli;

import dev.jmoe.host.model.GpuLayers;
import dev.jmoe.host.model.PlacementRules;
import dev.jmoe.host.model.TensorOverride;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * Where tensors go, with llama.cpp's flags: {@code -ngl}, {@code -ot}, {@code --cpu-moe}, {@code --n-cpu-moe}
 * and {@code --fit-target}. A picocli mixin of {@link EngineFlags}. The override rules are setter methods so
 * picocli calls them in command-line order: as in llama.cpp, {@code -ot}, {@code --cpu-moe} and
 * {@code --n-cpu-moe} add to one list and the first matching rule wins.
 */
public final class PlacementFlags {
    private final List<TensorOverride> overrides = new ArrayList<>();

    /** null: not given ({@code auto}); several values only for {@code bench}'s cross product. */
    @Option(names = {"-ngl", "--gpu-layers", "--n-gpu-layers"}, paramLabel = "N", converter = GpuLayersConverter.class, split = ",",
            description = "Layers on the GPU, from the last (the output counts as one more): a number, 'all', or 'auto' (default): "
                    + "the most layers whose non-expert tensors fit, experts on the host. Numbers and 'all' place whole layers, experts included, as llama.cpp does; bench takes a list.")
    List<GpuLayers> gpuLayers;

    @Option(names = {"-ot", "--override-tensor"}, paramLabel = "PATTERN=BUFFER[,...]", converter = OverrideListConverter.class,
            description = "Tensors whose name matches the regular expression go to BUFFER: CPU, CUDA0, ... (case-insensitive); repeatable, first match wins.")
    void overrideTensor(OverrideList[] values) {
        // picocli calls a repeatable option's setter at each occurrence with every value so far: the last is the new one
        overrides.addAll(values[values.length - 1].rules());
    }

    /** One {@code -ot} value's rules. */
    record OverrideList(List<TensorOverride> rules) {}

    @Option(names = {"-cmoe", "--cpu-moe"}, description = "Keep all expert tensors (*_exps) on the host.")
    void cpuMoe(boolean on) {
        if (on) overrides.add(TensorOverride.cpuMoe());
    }

    @Option(names = {"-ncmoe", "--n-cpu-moe"}, paramLabel = "N", converter = NonNegativeConverter.class,
            description = "Keep the expert tensors of the first N layers on the host.")
    void nCpuMoe(int layers) {
        overrides.addAll(TensorOverride.nCpuMoe(layers));
    }

    @Option(names = {"-fitt", "--fit-target"}, paramLabel = "MiB", converter = NonNegativeConverter.class,
            description = "Memory each GPU keeps free beyond weights and KV cache, for the CUDA context, cuBLAS and activations (default 1024).")
    int fitTargetMib = (int) (PlacementRules.DEFAULT_GPU_RESERVE >> 20);

    /** The rules; {@code -ngl} with several values is refused (that is bench's cross product, {@link #toRulesList}). */
    PlacementRules toRules() {
        List<PlacementRules> all = toRulesList();
        if (all.size() > 1) throw new IllegalArgumentException("-ngl takes one value here, not " + gpuLayers.size() + " (lists are for bench)");
        return all.getFirst();
    }

    /** One set of rules per {@code -ngl} value, each with the same overrides and reserve. */
    List<PlacementRules> toRulesList() {
        List<GpuLayers> layers = gpuLayers == null || gpuLayers.isEmpty() ? List.of(GpuLayers.AUTO) : gpuLayers;
        return layers.stream().map(g -> new PlacementRules(g, overrides, (long) fitTargetMib << 20)).toList();
    }

    static final class GpuLayersConverter implements ITypeConverter<GpuLayers> {
        @Override
        public GpuLayers convert(String value) {
            try {
                return GpuLayers.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class OverrideListConverter implements ITypeConverter<OverrideList> {
        @Override
        public OverrideList convert(String value) {
            try {
                return new OverrideList(TensorOverride.parseList(value));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class NonNegativeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 0) throw new CommandLine.TypeConversionException("'" + value + "' is negative (expected 0 or more)");
            return n;
        }
    }
}
