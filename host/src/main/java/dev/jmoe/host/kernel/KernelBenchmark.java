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
 * same threads over the same size ({@link StreamRead}); and matmul at a few batch sizes on a smaller matrix.
 * Each figure is the best of {@code reps} timed runs after warm-up runs; the median is kept too.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {}

    public record Settings(List<GgmlType> types, int threads, long matvecBytes, int cols, long matmulBytes,
                           List<Integer> batches, int reps) {}

    public record Timing(double bestSeconds, double medianSeconds) {
        static Timing of(double[] seconds) {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return new Timing(s[0], s[s.length / 2]);
        }
    }

    public record ReadResult(long bytes, Timing time, double gbPerSecond) {}

    public record MatmulResult(int batch, int rows, int cols, Timing time, double gflops) {}

    public record TypeResult(GgmlType type, int rows, int cols, long bytes, Timing matvecTime, double gbPerSecond,
                             double gflops, double fractionOfRead, List<MatmulResult> matmul) {}

    public record Report(int threads, int vectorBits, int cpus, String loadAverageBefore, String loadAverageAfter,
                         ReadResult read, List<TypeResult> types) {}

    public static Report run(Settings s, Consumer<String> progress) {
        String loadBefore = loadAverage();
        try (WorkerPool pool = new WorkerPool(s.threads(), "bench")) {
            progress.accept("read bandwidth over " + mib(s.matvecBytes()) + " MiB with " + s.threads() + " threads");
            ReadResult read = readBandwidth(pool, s);
            List<TypeResult> types = new ArrayList<>();
            for (GgmlType t : s.types()) {
                progress.accept(t + ": matvec over " + mib(s.matvecBytes()) + " MiB, matmul over " + mib(s.matmulBytes()) + " MiB");
                types.add(type(pool, s, t, read));
            }
            return new Report(s.threads(), RowDots.preferred().vectorBits(), Runtime.getRuntime().availableProcessors(),
                    loadBefore, loadAverage(), read, types);
        }
    }

    private static ReadResult readBandwidth(WorkerPool pool, Settings s) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(s.matvecBytes(), 64);
            RandomWeights.randomBytes(m, 1);
            AtomicLong sink = new AtomicLong();
            long size = m.byteSize();
            Runnable once = () -> pool.run((w, n) -> sink.addAndGet(StreamRead.sum(m, size * w / n / 64 * 64, w == n - 1 ? size : size * (w + 1) / n / 64 * 64)));
            Timing t = time(once, s.reps());
            return new ReadResult(size, t, size / t.bestSeconds() / 1e9);
        }
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
            mv = time(() -> mm.matvec(w, x, out), s.reps());
        }
        long bytes = rowBytes * rows;
        double gbs = bytes / mv.bestSeconds() / 1e9;
        double gflops = 2.0 * rows * cols / mv.bestSeconds() / 1e9;
        List<MatmulResult> mms = new ArrayList<>();
        int mmRows = (int) Math.max(1, s.matmulBytes() / rowBytes);
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix w = matrix(arena, type, cols, mmRows);
            for (int batch : s.batches()) {
                float[] x = gaussian(r, batch * cols), out = new float[batch * mmRows];
                Timing t = time(() -> mm.matmul(w, x, batch, out), Math.max(2, s.reps() / 2));
                mms.add(new MatmulResult(batch, mmRows, cols, t, 2.0 * mmRows * cols * batch / t.bestSeconds() / 1e9));
            }
        }
        return new TypeResult(type, rows, cols, bytes, mv, gbs, gflops, gbs / read.gbPerSecond(), mms);
    }

    private static WeightMatrix matrix(Arena arena, GgmlType type, int cols, int rows) {
        MemorySegment data = arena.allocate(type.bytesFor(cols) * rows, 64);
        RandomWeights.fill(type, data, 11);
        return new WeightMatrix(data, type, cols, rows);
    }

    /** Two untimed runs (JIT warm-up, pages touched), then {@code reps} timed ones. */
    private static Timing time(Runnable run, int reps) {
        run.run();
        run.run();
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
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
