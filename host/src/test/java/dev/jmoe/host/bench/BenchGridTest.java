package dev.jmoe.host.bench;

import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.mem.LoadOptions;
import org.junit.jupiter.api.Test;

import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.model.GpuLayers;
import dev.jmoe.host.model.PlacementRules;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BenchGridTest {
    private static final Path A = Path.of("a.gguf"), B = Path.of("b.gguf");
    private static final LoadOptions MMAP = LoadOptions.defaults(), READ = LoadOptions.defaults().withMmap(false);

    private static BenchGrid grid(List<Path> models, List<Integer> p, List<Integer> n, List<Integer> d, List<Integer> t, List<Integer> ub,
                                  List<LoadOptions> loads) {
        return new BenchGrid(models, p, n, d, t, List.of(2048), ub, List.of(CacheType.F16), List.of(CacheType.F16), loads);
    }

    /** "model threads ubatch mmap test" per case, in run order. */
    private static List<String> describe(BenchGrid g) {
        return g.expand().stream().map(c -> c.model() + " t" + c.options().threads() + " ub" + c.options().ubatch()
                + (c.options().load().mapsFile() ? " mmap " : " read ") + c.test().name()).toList();
    }

    @Test
    void crossProductInLlamaBenchOrder() {
        BenchGrid g = grid(List.of(A, B), List.of(512), List.of(128), List.of(0), List.of(1, 2), List.of(512), List.of(MMAP));
        assertEquals(List.of(
                "a.gguf t1 ub512 mmap pp512", "a.gguf t1 ub512 mmap tg128",
                "a.gguf t2 ub512 mmap pp512", "a.gguf t2 ub512 mmap tg128",
                "b.gguf t1 ub512 mmap pp512", "b.gguf t1 ub512 mmap tg128",
                "b.gguf t2 ub512 mmap pp512", "b.gguf t2 ub512 mmap tg128"), describe(g));
    }

    @Test
    void depthsPromptsAndGenerations() {
        BenchGrid g = grid(List.of(A), List.of(64, 128), List.of(0), List.of(0, 256), List.of(4), List.of(32, 64), List.of(MMAP, READ));
        assertEquals(List.of(
                "a.gguf t4 ub32 mmap pp64", "a.gguf t4 ub32 mmap pp128", "a.gguf t4 ub32 mmap pp64 @ d256", "a.gguf t4 ub32 mmap pp128 @ d256",
                "a.gguf t4 ub32 read pp64", "a.gguf t4 ub32 read pp128", "a.gguf t4 ub32 read pp64 @ d256", "a.gguf t4 ub32 read pp128 @ d256",
                "a.gguf t4 ub64 mmap pp64", "a.gguf t4 ub64 mmap pp128", "a.gguf t4 ub64 mmap pp64 @ d256", "a.gguf t4 ub64 mmap pp128 @ d256",
                "a.gguf t4 ub64 read pp64", "a.gguf t4 ub64 read pp128", "a.gguf t4 ub64 read pp64 @ d256", "a.gguf t4 ub64 read pp128 @ d256"),
                describe(g));
    }

    @Test
    void zeroSizesAreSkippedAndAllZerosRefused() {
        BenchGrid onlyTg = grid(List.of(A), List.of(0), List.of(8), List.of(0), List.of(1), List.of(512), List.of(MMAP));
        assertEquals(List.of("a.gguf t1 ub512 mmap tg8"), describe(onlyTg));
        BenchGrid none = grid(List.of(A), List.of(0), List.of(0), List.of(0), List.of(1), List.of(512), List.of(MMAP));
        assertThrows(IllegalArgumentException.class, none::expand);
    }

    @Test
    void emptyAndNegativeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> grid(List.of(), List.of(1), List.of(1), List.of(0), List.of(1), List.of(512), List.of(MMAP)));
        assertThrows(IllegalArgumentException.class, () -> grid(List.of(A), List.of(-1), List.of(1), List.of(0), List.of(1), List.of(512), List.of(MMAP)));
    }

    @Test
    void testNames() {
        assertEquals("pp512", BenchTest.prompt(512, 0).name());
        assertEquals("tg128", BenchTest.generation(128, 0).name());
        assertEquals("pp512 @ d4096", BenchTest.prompt(512, 4096).name());
        assertEquals(4096 + 512, BenchTest.prompt(512, 4096).contextNeeded());
    }

    @Test
    void gpuPlacementsAndPinModesAreAxesOfTheCrossProductInsideTheLoadModes() {
        PlacementRules cpu = PlacementRules.cpuOnly();
        PlacementRules all = new PlacementRules(GpuLayers.ALL, List.of(), PlacementRules.DEFAULT_GPU_RESERVE);
        OffloadOptions off = new OffloadOptions(OffloadBatchSize.DEFAULT, "off", null, false);
        OffloadOptions copy = new OffloadOptions(new OffloadBatchSize.Fixed(8), "copy", null, false);
        BenchGrid g = new BenchGrid(List.of(A), List.of(512), List.of(0), List.of(0), List.of(2), List.of(2048), List.of(512),
                List.of(CacheType.F16), List.of(CacheType.F16), List.of(MMAP), List.of(cpu, all), List.of(off, copy));
        List<String> got = g.expand().stream().map(c -> "ngl " + c.options().placement().gpuLayers() + " T "
                + BenchField.offloadBatch(c.options()) + " pin " + BenchField.expertPin(c.options())).toList();
        assertEquals(List.of("ngl 0 T 32 pin off", "ngl 0 T 8 pin copy", "ngl all T 32 pin off", "ngl all T 8 pin copy"), got);
    }

    @Test
    void withoutGpuFlagsEveryCaseHasTheDefaults() {
        BenchGrid g = grid(List.of(A), List.of(16), List.of(0), List.of(0), List.of(1), List.of(512), List.of(MMAP));
        BenchCase c = g.expand().getFirst();
        assertEquals(PlacementRules.defaults(), c.options().placement());
        assertEquals(OffloadOptions.DEFAULTS, c.options().offload());
        assertEquals("auto", BenchField.expertPin(c.options()));
    }

    @Test
    void pinModesShareOneLoadTheEngineSwitchesBetweenThemOtherFlagsDoNot() {
        OffloadOptions off = new OffloadOptions(OffloadBatchSize.DEFAULT, "off", null, false);
        OffloadOptions register = new OffloadOptions(OffloadBatchSize.DEFAULT, "register", null, false);
        OffloadOptions t8 = new OffloadOptions(new OffloadBatchSize.Fixed(8), "off", null, false);
        BenchGrid g = new BenchGrid(List.of(A), List.of(64), List.of(16), List.of(0), List.of(2), List.of(2048), List.of(512),
                List.of(CacheType.F16), List.of(CacheType.F16), List.of(MMAP), List.of(PlacementRules.defaults()), List.of(off, register, t8));
        var groups = List.copyOf(BenchRunner.byLoad(g.expand()).values());
        assertEquals(2, groups.size(), "off and register in one load, --offload-batch-size 8 in another");
        assertEquals(List.of("off", "off", "register", "register"),
                groups.getFirst().stream().map(c -> c.options().offload().expertPin()).toList(), "in the grid's order");
        assertEquals(2, groups.get(1).size());
    }
}
