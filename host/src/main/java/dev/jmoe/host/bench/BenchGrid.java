package dev.jmoe.host.bench;

import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.model.PlacementRules;
import dev.jmoe.host.mem.LoadOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of every flag as given (comma-separated lists on the command line); {@link #expand} makes
 * their cross product, in llama-bench's order: model, then the engine flags (threads, batch, micro-batch,
 * cache types, load modes, GPU placements, offload and pin modes), then per depth the prompt tests followed by
 * the generation tests.
 * A size of 0 in {@code prompts} or {@code gens} means "no such test".
 */
public record BenchGrid(List<Path> models, List<Integer> prompts, List<Integer> gens, List<Integer> depths,
                        List<Integer> threads, List<Integer> batches, List<Integer> ubatches,
                        List<CacheType> cacheK, List<CacheType> cacheV, List<LoadOptions> loads,
                        List<PlacementRules> placements, List<OffloadOptions> offloads) {

    /** With the default placement ({@code -ngl auto}) and offload flags. */
    public BenchGrid(List<Path> models, List<Integer> prompts, List<Integer> gens, List<Integer> depths,
                     List<Integer> threads, List<Integer> batches, List<Integer> ubatches,
                     List<CacheType> cacheK, List<CacheType> cacheV, List<LoadOptions> loads) {
        this(models, prompts, gens, depths, threads, batches, ubatches, cacheK, cacheV, loads,
                List.of(PlacementRules.defaults()), List.of(OffloadOptions.DEFAULTS));
    }

    public BenchGrid {
        models = nonEmpty("-m", models);
        prompts = nonEmpty("-p", prompts);
        gens = nonEmpty("-n", gens);
        depths = nonEmpty("-d", depths);
        threads = nonEmpty("-t", threads);
        batches = nonEmpty("-b", batches);
        ubatches = nonEmpty("-ub", ubatches);
        cacheK = nonEmpty("-ctk", cacheK);
        cacheV = nonEmpty("-ctv", cacheV);
        loads = nonEmpty("load flags", loads);
        placements = nonEmpty("-ngl", placements);
        offloads = nonEmpty("--offload-batch-size/--expert-pin", offloads);
        for (int p : prompts) if (p < 0) throw new IllegalArgumentException("-p must not be negative, got " + p);
        for (int n : gens) if (n < 0) throw new IllegalArgumentException("-n must not be negative, got " + n);
        for (int d : depths) if (d < 0) throw new IllegalArgumentException("-d must not be negative, got " + d);
    }

    private static <T> List<T> nonEmpty(String flag, List<T> values) {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException(flag + " needs at least one value");
        return List.copyOf(values);
    }

    /** Every combination, each with a context of 0 (the runner sizes it to the tests of one load). */
    public List<BenchCase> expand() {
        List<BenchCase> out = new ArrayList<>();
        for (Path m : models)
            for (int t : threads)
                for (int b : batches)
                    for (int ub : ubatches)
                        for (CacheType k : cacheK)
                            for (CacheType v : cacheV)
                                for (LoadOptions load : loads)
                                    for (PlacementRules placement : placements)
                                        for (OffloadOptions offload : offloads) {
                                            EngineOptions o = new EngineOptions(t, 0, b, ub, k, v, load, placement, offload);
                                            for (BenchTest test : tests()) out.add(new BenchCase(m, o, test));
                                        }
        return out;
    }

    /** The tests of one configuration: per depth, the prompt sizes then the generation sizes (zeros skipped). */
    public List<BenchTest> tests() {
        List<BenchTest> out = new ArrayList<>();
        for (int d : depths) {
            for (int p : prompts) if (p > 0) out.add(BenchTest.prompt(p, d));
            for (int n : gens) if (n > 0) out.add(BenchTest.generation(n, d));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("nothing to run: -p and -n are all 0");
        return out;
    }
}
