package dev.jmoe.cli;

import dev.jmoe.cuda.staging.PinMode;
import dev.jmoe.cuda.staging.StagingOptions;
import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.engine.OffloadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Prompt-processing offload and expert staging flags, a mixin for the commands that run a model with a GPU
 * ({@code run}, {@code bench}, {@code serve}): {@code --offload-batch-size}, {@code --expert-pin},
 * {@code --pin-cache-gib}, {@code --pin-eager}. Without a GPU they change nothing.
 */
public final class StagingFlags {

    @Option(names = "--offload-batch-size", paramLabel = "T|auto", defaultValue = "32", converter = OffloadConverter.class,
            description = "A MoE layer with host experts runs on the GPU when batch x n_expert_used >= T x n_expert; "
                    + "auto: T from measured upload and CPU costs (default: ${DEFAULT-VALUE}).")
    OffloadBatchSize offloadBatchSize = OffloadBatchSize.DEFAULT;

    @Option(names = "--expert-pin", paramLabel = "MODE", converter = PinModeConverter.class,
            description = "Where prefill uploads experts from: off (pageable), copy (pinned cache), register (mapped "
                    + "pages pinned in place). Default: copy when the experts fit --pin-cache-gib, else register.")
    PinMode expertPin;

    @Option(names = "--pin-cache-gib", paramLabel = "G",
            description = "Most GiB of pinned expert copies in copy mode, LRU per expert (default: half the available memory).")
    Double pinCacheGib;

    @Option(names = "--pin-eager", description = "Fill the pinned expert cache at load instead of on first use.")
    boolean pinEager;

    /** The staging options with {@code availableBytes} (MemAvailable at load) for the default budget. */
    public StagingOptions staging(long availableBytes) {
        return StagingOptions.of(expertPin == null ? null : expertPin.flag(), pinCacheGib, pinEager, availableBytes);
    }

    public OffloadBatchSize offloadBatchSize() {
        return offloadBatchSize;
    }

    /** The flags as the engine takes them (the GPU backend builds its staging from these at load). */
    public OffloadOptions offload() {
        return new OffloadOptions(offloadBatchSize, expertPin == null ? null : expertPin.flag(), pinCacheGib, pinEager);
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
