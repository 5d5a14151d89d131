package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Measures the kernels the way decode uses them: a matvec over a weight matrix larger than the last-level
 * cache (GB/s of weight bytes streamed, GFLOP/s), next to the machine's read bandwidth measured with the
 * same threads over the same size ({@link StreamRead}); matmul at a few batch sizes on a smaller matrix, next
 * to the same threads' FP32 FMA peak ({@link FmaPeak}); and
 * the one-token dots alone on one thread over rows that stay in L2 (ns per element: what the kernel costs when
 * memory is not the limit). The kernels of every type are first warmed up together, as the engine does for a
 * model; then each figure is the best of {@code reps} timed runs after warm-up runs (at least
 * {@code warmUpMillis}, so C2 has compiled the kernels); the median is kept too.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {}

    /** Rows of the in-cache dot measurement: 64 rows of 4096 Q8_0 elements are 272 KiB, inside L2. */
    private static final int IN_CACHE_ROWS = 64;

    public record Settings(List<GgmlType> types, int threads, long matvecBytes, int cols, long matmulBytes,
                           List<Integer> batches, int reps, long warmUpMillis) {}

    public record Timing(double bestSeconds, double medianSeconds) {
        static Timing of(double[] seconds) {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return new Timing(s[0], s[s.length / 2]);
        }
    }

    public record ReadResult(long bytes, Timing time, double gbPerSecond) {}

    /** FP32 FMAs in registers on every thread ({@link FmaPeak}): the ceiling of the matmul figures. */
    public record FmaResult(long flops, Timing time, double gflops) {}

    public record MatmulResult(int batch, int rows, int cols, Timing time, double gflops) {}

    public record TypeResult(GgmlType type, int rows, int cols, long bytes, Timing matvecTime, double gbPerSecond,
                             double gflops, double fractionOfRead, double inCacheNanosPerElement,
                             List<MatmulResult> matmul) {}

    public record Report(int threads, int vectorBits, int cpus, String loadAverageBefore, String loadAverageAfter,
                         ReadResult read, FmaResult fma, List<TypeResult> types) {}

    /** FMA rounds per thread and timed run: 2^25 rounds are 12.9 GFLOP on AVX2, about a tenth of a second. */
    private static final int FMA_STEPS = 1 << 25;

    public static Report run(Settings s, Consumer<String> progress) {
        String loadBefore = loadAverage();
        try (WorkerPool pool = new WorkerPool(s.threads(), "bench")) {
            if (s.warmUpMillis() > 0) {
                progress.accept("warming up the kernels of " + s.types());
                warmUp(s);
            }
            progress.accept("read bandwidth over " + mib(s.matvecBytes()) + " MiB with " + s.threads() + " threads");
            ReadResult read = readBandwidth(pool, s);
            progress.accept("FP32 FMA peak with " + s.threads() + " threads");
            FmaResult fma = fmaPeak(pool, s);
            List<TypeResult> types = new ArrayList<>();
            for (GgmlType t : s.types()) {
                progress.accept(t + ": matvec over " + mib(s.matvecBytes()) + " MiB, matmul over " + mib(s.matmulBytes()) + " MiB");
                types.add(type(pool, s, t, read));
            }
            return new Report(s.threads(), RowDots.preferred().vectorBits(), Runtime.getRuntime().availableProcessors(),
                    loadBefore, loadAverage(), read, fma, types);
        }
    }

    /** Rows of each type's warm-up matrix, and the most the warm-up may take. */
    private static final int WARM_UP_ROWS = 256;
    private static final long WARM_UP_BUDGET_NANOS = 20_000_000_000L;

    /**
     * The engine's warm-up ({@link KernelWarmUp}) over every type at once, before anything is timed: measured one
     * type after another with only per-measurement warm-up, a type's kernels ran in whatever state the types
     * before it had left C2 in (AVX-512 Xeon VM: Q8_0's dot 0.24-9.5 ns/element after Q4_K and Q6_K, 0.09 alone
     * or first; the first type's batch-32 product at a quarter of its later speed), which is not how a model
     * runs them. Skipped with the other warm-ups at {@code --warm-up-ms 0}.
     */
    private static void warmUp(Settings s) {
        try (Arena arena = Arena.ofShared()) {
            List<WeightMatrix> matrices = new ArrayList<>();
            for (GgmlType t : s.types()) matrices.add(matrix(arena, t, s.cols(), WARM_UP_ROWS));
            KernelWarmUp.run(matrices, List.of(), RowDots.preferred(), WARM_UP_BUDGET_NANOS);
        }
    }

    private static ReadResult readBandwidth(WorkerPool pool, Settings s) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(s.matvecBytes(), 64);
            RandomWeights.randomBytes(m, 1);
            AtomicLong sink = new AtomicLong();
            long size = m.byteSize();
            Runnable once = () -> pool.run((w, n) -> sink.addAndGet(StreamRead.sum(m, cut(size, w, n), cut(size, w + 1, n))));
            Timing t = time(once, s);
            return new ReadResult(size, t, size / t.bestSeconds() / 1e9);
        }
    }

    private static FmaResult fmaPeak(WorkerPool pool, Settings s) {
        float[] sink = new float[s.threads()];
        Runnable once = () -> pool.run((w, n) -> sink[w] += FmaPeak.run(FMA_STEPS, 1e-2f, 1e-2f));
        Timing t = time(once, s);
        long flops = FmaPeak.flops(FMA_STEPS) * s.threads();
        return new FmaResult(flops, t, flops / t.bestSeconds() / 1e9);
    }

    /** Start of worker w's share of {@code size} bytes, on a cache-line boundary. */
    private static long cut(long size, int w, int n) {
        return w == n ? size : size * w / n / 64 * 64;
    }

    private static TypeResult type(WorkerPool pool, Settings s, GgmlType type, ReadResult read) {
        MatMul mm = new MatMul(pool, RowDots.preferred());
        Random r = new Random(7);
        int cols = s.cols();
        long rowBytes = type.bytesFor(cols);
        int rows = (int) Math.max(1, s.matvecBytes() / rowBytes);
        Timing mv;
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = matrix(arena, type, cols, rows);
            float[] x = gaussian(r, cols), out = new float[rows];
            mv = time(() -> mm.matvec(w, x, out), s);
        }
        long bytes = rowBytes * rows;
        double gbs = bytes / mv.bestSeconds() / 1e9;
        double gflops = 2.0 * rows * cols / mv.bestSeconds() / 1e9;
        List<MatmulResult> mms = new ArrayList<>();
        int mmRows = (int) Math.max(1, s.matmulBytes() / rowBytes);
        double inCache;
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = matrix(arena, type, cols, mmRows);
            for (int batch : s.batches()) {
                float[] x = gaussian(r, batch * cols), out = new float[batch * mmRows];
                Timing t = time(() -> mm.matmul(w, x, batch, out), s);
                mms.add(new MatmulResult(batch, mmRows, cols, t, 2.0 * mmRows * cols * batch / t.bestSeconds() / 1e9));
            }
            inCache = inCacheNanosPerElement(w, r, s);
        }
        return new TypeResult(type, rows, cols, bytes, mv, gbs, gflops, gbs / read.gbPerSecond(), inCache, mms);
    }

    /** The one-token dots alone on the calling thread, as decode calls them ({@link RowDot#dotRows}), over the first rows of {@code w} again and again. */
    private static double inCacheNanosPerElement(WeightMatrix w, Random r, Settings s) {
        RowDot dot = RowDots.preferred();
        Activation a = ActivationQuantizer.quantize(gaussian(r, w.cols()), ActivationFormat.forWeight(w.type()));
        int rows = Math.min(IN_CACHE_ROWS, w.rows());
        int repeats = Math.max(1, (1 << 22) / (rows * w.cols()));
        float[] out = new float[rows], lanes = new float[RowDot.SCRATCH];
        Timing t = time(() -> {
            for (int i = 0; i < repeats; i++) dot.dotRows(w.type(), w.data(), 0, w.rowBytes(), rows, a, out, 0, lanes);
        }, s);
        return t.bestSeconds() * 1e9 / ((double) repeats * rows * w.cols());
    }

    private static WeightMatrix matrix(Arena arena, GgmlType type, int cols, int rows) {
        MemorySegment data = arena.allocate(type.bytesFor(cols) * rows, 64);
        RandomWeights.fill(type, data, 11);
        return new WeightMatrix(data, type, cols, rows);
    }

    /**
     * Untimed runs for at least the warm-up time and at least two runs (pages touched, and time for C2 to
     * compile the kernels: on a busy box that takes longer than a couple of runs), then the timed ones.
     */
    private static Timing time(Runnable run, Settings s) {
        long start = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - start < s.warmUpMillis() * 1_000_000L; i++) run.run();
        double[] seconds = new double[s.reps()];
        for (int i = 0; i < s.reps(); i++) {
            long t0 = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return Timing.of(seconds);
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /** The 1/5/15-minute load averages, so a report says how busy the machine was. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
