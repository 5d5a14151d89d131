package dev.jmoe.cli;

import dev.jmoe.cuda.staging.PinMode;
import dev.jmoe.cuda.staging.StagingOptions;
import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.engine.OffloadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompt-processing offload and expert staging flags, a mixin for the commands that run a model with a GPU
 * ({@code run}, {@code bench}, {@code serve}): {@code --offload-batch-size}, {@code --expert-pin},
 * {@code --pin-cache-gib}, {@code --pin-eager}. Without a GPU they change nothing.
 */
public final class StagingFlags {

    @Option(names = "--offload-batch-size", paramLabel = "T|auto", converter = OffloadConverter.class, split = ",",
            description = "A MoE layer with host experts runs on the GPU when batch x n_expert_used >= T x n_expert; "
                    + "auto: T from measured upload and CPU costs (default: 32; bench takes a list).")
    List<OffloadBatchSize> offloadBatchSizes;

    @Option(names = "--expert-pin", paramLabel = "MODE", converter = PinModeConverter.class, split = ",",
            description = "Where prefill uploads experts from: off (pageable), copy (pinned cache), register (mapped "
                    + "pages pinned in place). Default: copy when the experts fit --pin-cache-gib, else register; bench takes a list.")
    List<PinMode> expertPins;

    @Option(names = "--pin-cache-gib", paramLabel = "G",
            description = "Most GiB of pinned expert copies in copy mode, LRU per expert (default: half the available memory).")
    Double pinCacheGib;

    @Option(names = "--pin-eager", description = "Fill the pinned expert cache at load instead of on first use.")
    boolean pinEager;

    /** The staging options with {@code availableBytes} (MemAvailable at load) for the default budget. */
    public StagingOptions staging(long availableBytes) {
        return StagingOptions.of(offload().expertPin(), pinCacheGib, pinEager, availableBytes);
    }

    public OffloadBatchSize offloadBatchSize() {
        return offload().batchSize();
    }

    /**
     * The flags as the engine takes them (the GPU backend builds its staging from these at load); a list in
     * {@code --offload-batch-size} or {@code --expert-pin} is refused here (lists are bench's cross product).
     */
    public OffloadOptions offload() {
        List<OffloadOptions> all = offloads();
        if (all.size() > 1) throw new IllegalArgumentException("--offload-batch-size and --expert-pin take one value here (lists are for bench)");
        return all.getFirst();
    }

    /** Every combination of the {@code --offload-batch-size} and {@code --expert-pin} values, batch sizes outer. */
    public List<OffloadOptions> offloads() {
        List<OffloadBatchSize> sizes = offloadBatchSizes == null || offloadBatchSizes.isEmpty() ? List.of(OffloadBatchSize.DEFAULT) : offloadBatchSizes;
        List<String> pins = new ArrayList<>();
        if (expertPins == null || expertPins.isEmpty()) pins.add(null);
        else for (PinMode p : expertPins) pins.add(p.flag());
        List<OffloadOptions> out = new ArrayList<>();
        for (OffloadBatchSize size : sizes) for (String pin : pins) out.add(new OffloadOptions(size, pin, pinCacheGib, pinEager));
        return out;
    }

    static final class OffloadConverter implements CommandLine.ITypeConverter<OffloadBatchSize> {
        @Override
        public OffloadBatchSize convert(String value) {
            try {
                return OffloadBatchSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PinModeConverter implements CommandLine.ITypeConverter<PinMode> {
        @Override
        public PinMode convert(String value) {
            try {
                return PinMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
