package dev.jmoe.cli;

import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.numa.MirrorScope;
import dev.jmoe.host.numa.NumaMode;
import dev.jmoe.host.numa.NumaOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The engine flags every command that runs a model takes, with llama.cpp's names and defaults:
 * {@code -t}, {@code -c}, {@code -b}, {@code -ub}, {@code -ctk}, {@code -ctv}, {@code --numa}, the load flags, the placement flags and the GPU offload flags.
 * The model path itself ({@code -m}) stays with each command: some require it, {@code run} does not.
 */
public final class EngineFlags {
    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Worker threads (default: all CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context size (default 0: the command's own default or the model's).")
    int context;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "Logical batch size (default 2048).")
    int batch = 2048;

    @Option(names = {"-ub", "--ubatch-size"}, paramLabel = "N", description = "Micro-batch: tokens per forward pass (default 512).")
    int ubatch = 512;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for keys: f16 (default), f32, q8_0.")
    CacheType cacheK = CacheType.F16;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for values: f16 (default), f32, q8_0.")
    CacheType cacheV = CacheType.F16;

    @Option(names = "--numa", paramLabel = "MODE", converter = TopoCommand.NumaModeConverter.class,
            description = "off (default), distribute, isolate, numactl, mirror: where the tensor data's pages go on a NUMA machine; "
                    + "-v prints where they are (as 'jmoe topo -m MODEL --numa MODE').")
    NumaMode numa = NumaMode.OFF;

    @Option(names = "--numa-mirror", paramLabel = "SCOPE", converter = TopoCommand.MirrorScopeConverter.class,
            description = "With --numa mirror: experts (default) or all tensors get a replica per node.")
    MirrorScope numaMirror = MirrorScope.EXPERTS;

    @Option(names = "--no-warmup", description = "Skip the warm-up: the model's products on one thread, then decode steps of a scratch "
            + "session, until the JIT has compiled them, so the first prompt runs at full speed (llama.cpp's flag for its own warm-up).")
    boolean noWarmup;

    @CommandLine.Mixin
    LoadFlags load = new LoadFlags();

    @CommandLine.Mixin
    PlacementFlags placement = new PlacementFlags();

    @CommandLine.Mixin
    StagingFlags staging = new StagingFlags();

    /** The most the warm-up's rounds take: on the 2-core VM the speed model (Q4_K_M) settled in about 7 s, 4 of them for the kernels. */
    static final long WARM_UP_NANOS = 10_000_000_000L;

    /** The warm-up ({@link Engine#warmUp}) unless {@code --no-warmup}. */
    void warmUp(Engine engine) {
        if (!noWarmup) engine.warmUp(WARM_UP_NANOS);
    }

    /** The options, with {@code defaultContext} used where {@code -c} was not given (0 = the model's). */
    EngineOptions toOptions(int defaultContext) {
        if (context < 0) throw new IllegalArgumentException("-c must not be negative, got " + context);
        return new EngineOptions(threads, context > 0 ? context : defaultContext, batch, ubatch, cacheK, cacheV,
                load.toOptions().withNuma(new NumaOptions(numa, numaMirror)), placement.toRules(), staging.offload());
    }

    static final class CacheTypeConverter implements CommandLine.ITypeConverter<CacheType> {
        @Override
        public CacheType convert(String value) {
            return CacheType.parse(value);
        }
    }
}
