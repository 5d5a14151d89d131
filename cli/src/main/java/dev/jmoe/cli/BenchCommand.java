package dev.jmoe.cli;

import dev.jmoe.host.bench.BenchCase;
import dev.jmoe.host.bench.BenchFormat;
import dev.jmoe.host.bench.BenchGrid;
import dev.jmoe.host.bench.BenchProgress;
import dev.jmoe.host.bench.BenchResult;
import dev.jmoe.host.bench.BenchRunner;
import dev.jmoe.host.bench.ResultPlot;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.mem.HugePageMode;
import dev.jmoe.host.mem.LoadOptions;
import dev.jmoe.host.numa.MirrorScope;
import dev.jmoe.host.numa.NumaMode;
import dev.jmoe.host.numa.NumaOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jmoe bench}: llama-bench's model benchmark ({@code -m MODEL}, comma-separated values run their
 * cross product), llama-sweep-bench's context sweep ({@code --sweep}), and the kernel benchmark
 * ({@code jmoe bench kernels}).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Benchmarks a model like llama-bench: tests ppN (prompt of N tokens), tgN (N decodes), ppN @ dD (at KV depth D);",
                "comma-separated values run every combination. --sweep: like llama-sweep-bench. 'bench kernels': the CPU kernels."},
        subcommands = {BenchKernelsCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, split = ",", paramLabel = "MODEL", description = "GGUF model file(s).")
    List<Path> models;

    @Option(names = {"-p", "--n-prompt"}, split = ",", paramLabel = "N", defaultValue = "512", description = "Prompt sizes (default: ${DEFAULT-VALUE}; 0: none).")
    List<Integer> prompts;

    @Option(names = {"-n", "--n-gen"}, split = ",", paramLabel = "N", defaultValue = "128", description = "Generation lengths (default: ${DEFAULT-VALUE}; 0: none).")
    List<Integer> gens;

    @Option(names = {"-d", "--n-depth"}, split = ",", paramLabel = "N", defaultValue = "0", description = "KV depths (default: ${DEFAULT-VALUE}).")
    List<Integer> depths;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", defaultValue = "5", description = "Timed runs per test, after one warm-up (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = {"-t", "--threads"}, split = ",", paramLabel = "N", description = "Worker threads (default: all CPUs).")
    List<Integer> threads;

    @Option(names = {"-b", "--batch-size"}, split = ",", paramLabel = "N", defaultValue = "2048", description = "Logical batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = {"-ub", "--ubatch-size"}, split = ",", paramLabel = "N", defaultValue = "512", description = "Micro-batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> ubatches;

    @Option(names = {"-ctk", "--cache-type-k"}, split = ",", paramLabel = "TYPE", defaultValue = "f16", converter = EngineFlags.CacheTypeConverter.class,
            description = "KV cache types for keys: f16, f32, q8_0 (default: ${DEFAULT-VALUE}).")
    List<CacheType> cacheK;

    @Option(names = {"-ctv", "--cache-type-v"}, split = ",", paramLabel = "TYPE", defaultValue = "f16", converter = EngineFlags.CacheTypeConverter.class,
            description = "KV cache types for values (default: ${DEFAULT-VALUE}).")
    List<CacheType> cacheV;

    @Option(names = {"-mmp", "--mmap"}, split = ",", paramLabel = "0|1", defaultValue = "1", description = "Map the file (1) or read it into memory (0) (default: ${DEFAULT-VALUE}).")
    List<Integer> mmaps;

    @Option(names = "--mlock", description = "Lock the model in RAM.")
    boolean mlock;

    @Option(names = "--hugepages", split = ",", paramLabel = "MODE", defaultValue = "off", converter = LoadFlags.HugePageModeConverter.class,
            description = "Huge-page modes: off, thp, 2m, 1g (default: ${DEFAULT-VALUE}).")
    List<HugePageMode> hugePages;

    @Option(names = "--numa", split = ",", paramLabel = "MODE", defaultValue = "off", converter = TopoCommand.NumaModeConverter.class,
            description = "NUMA placements: off, distribute, isolate, numactl, mirror (default: ${DEFAULT-VALUE}).")
    List<NumaMode> numa;

    @Option(names = "--numa-mirror", paramLabel = "SCOPE", defaultValue = "experts", converter = TopoCommand.MirrorScopeConverter.class,
            description = "With --numa mirror: experts or all tensors get a replica per node (default: ${DEFAULT-VALUE}).")
    MirrorScope numaMirror;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "md", description = "md, csv, json or jsonl (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--sweep", description = "Sweep the context like llama-sweep-bench instead (takes one -m, -t, -b, -ub).")
    boolean sweep;

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", defaultValue = "4096", description = "Context to sweep (--sweep; default: ${DEFAULT-VALUE}).")
    int context;

    /** -ngl takes a list (the cross product); the overrides and reserve are the same for every case. */
    @CommandLine.Mixin
    PlacementFlags placement = new PlacementFlags();

    /** --offload-batch-size and --expert-pin take lists (the cross product). */
    @CommandLine.Mixin
    StagingFlags staging = new StagingFlags();

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw the results as a PNG chart: t/s against the KV depth (--sweep) or against the varied flag, one line per configuration.")
    Path plot;

    @Option(names = "--plot-x", paramLabel = "NAME",
            description = "The x axis of a cross-product plot: n_depth, threads, n_batch, n_ubatch, type_k, type_v, mmap, mlock, hugepages, numa, model "
                    + "(default: the varied flag with numeric values, most values first).")
    String plotX;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (models == null || models.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--model=MODEL' (or use 'jmoe bench kernels')");
        }
        BenchFormat format = BenchFormat.parse(output);
        BenchGrid grid = new BenchGrid(models, prompts, gens, depths,
                threads == null ? List.of(Runtime.getRuntime().availableProcessors()) : threads,
                batches, ubatches, cacheK, cacheV, loads(), placement.toRulesList(), staging.offloads());
        PrintWriter out = spec.commandLine().getOut();
        boolean progress = TerminalProgress.wanted(format);
        if (plot != null && !plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--plot writes PNG: the file name must end in .png, got " + plot);
        }
        if (sweep && plotX != null) throw new CommandLine.ParameterException(spec.commandLine(), "--plot-x is for cross products; a sweep plots against N_KV");
        Optional<String> x = Optional.ofNullable(plotX).map(this::plotAxis);
        List<BenchCase> cases = grid.expand();
        if (sweep) return BenchSweep.run(cases, context, format, out, progress, plot);
        List<BenchResult> results = new BenchRunner(reps, progress ? new TerminalProgress() : BenchProgress.NONE).run(cases);
        if (progress) TerminalProgress.clear();
        out.print(format.render(results));
        out.flush();
        if (plot != null) PngPlot.write(ResultPlot.of(results, x), plot);
        return 0;
    }

    /** An unknown --plot-x fails as a usage error now, not after the benchmark has run. */
    private String plotAxis(String name) {
        try {
            return ResultPlot.axisName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<LoadOptions> loads() {
        List<LoadOptions> out = new ArrayList<>();
        for (int m : mmaps) {
            if (m != 0 && m != 1) throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--mmap': " + m + " (expected 0 or 1)");
            for (HugePageMode h : hugePages)
                for (NumaMode n : numa) out.add(new LoadOptions(m == 1, mlock, h, new NumaOptions(n, numaMirror)));
        }
        return out;
    }
}
