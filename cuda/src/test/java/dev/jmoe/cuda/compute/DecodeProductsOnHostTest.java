package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.RandomWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decode products of {@code matvec.cu}, {@code matvec_f32} and {@code matvec_pairs_f32}, computed without a
 * GPU: nvcc builds {@code kernels-ptx/src/test/cuda/products_host.cu}, which runs the kernels' own per-lane code
 * ({@code lane_shares}, {@code pair_row}, {@code pair_token}) for all 32 lanes and sums them as the warp's
 * shuffles do. Against a double-precision product of the host reference's dequantized weights within the bound of
 * a float dot product in any order, n·u·Σ|w·x|, as the GPU test does; rows off the warp blocks, 1 to 8 tokens, and
 * pairs that repeat and skip experts. Skipped where nvcc is absent.
 */
class DecodeProductsOnHostTest {
    private static final double UNIT_ROUNDOFF = 0x1p-24;
    @TempDir
    static Path dir;
    private static Path program;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        Path nvcc = null;
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvcc"))) nvcc = Path.of(d, "nvcc");
        }
        assumeTrue(nvcc != null, "nvcc not on PATH: the decode products are not checked on the host");
        Path source = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolveSibling("kernels-ptx").resolve("src/test/cuda/products_host.cu");
        program = dir.resolve("products_host");
        run(List.of(nvcc.toString(), "-O2", "-Xcompiler", "-ffp-contract=off", "-o", program.toString(), source.toString()));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void matvecOfOneToEightTokens(GgmlType type) throws IOException, InterruptedException {
        int rows = 13, cols = 512;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, type, rows * cols);
            for (int tokens : new int[] {1, 3, 8}) {
                float[] x = activations(tokens * cols, tokens);
                float[] got = products(List.of("matvec", id(type), Integer.toString(rows), Integer.toString(cols), Integer.toString(tokens)),
                        w, x, null, tokens * rows);
                float[] dense = ScalarDequant.row(type, w, 0, rows * cols);
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < rows; r++) check(type + " token " + t + " row " + r, dense, r * cols, x, t * cols, cols, got[t * rows + r]);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void expertPairsOfAStack(GgmlType type) throws IOException, InterruptedException {
        int experts = 5, rows = 11, cols = 256, tokens = 3;
        int[] pairToken = {0, 0, 1, 1, 2, 2, 2}, pairExpert = {4, 1, 1, 3, 0, 4, 1};   // expert 2 never, 1 three times
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = weights(arena, type, experts * rows * cols);
            float[] x = activations(tokens * cols, 40);
            int[] pairs = new int[2 * pairToken.length];
            for (int p = 0; p < pairToken.length; p++) {
                pairs[2 * p] = pairToken[p];
                pairs[2 * p + 1] = pairExpert[p];
            }
            float[] got = products(List.of("pairs", id(type), Integer.toString(rows), Integer.toString(cols), Integer.toString(experts),
                    Integer.toString(tokens)), w, x, pairs, pairToken.length * rows);
            float[] dense = ScalarDequant.row(type, w, 0, experts * rows * cols);
            for (int p = 0; p < pairToken.length; p++) {
                for (int r = 0; r < rows; r++) {
                    check(type + " pair " + p, dense, (pairExpert[p] * rows + r) * cols, x, pairToken[p] * cols, cols, got[p * rows + r]);
                }
            }
        }
    }

    private static String id(GgmlType type) {
        return Integer.toString(type.id);
    }

    private static MemorySegment weights(Arena arena, GgmlType type, long elements) {
        MemorySegment w = arena.allocate(type.bytesFor((int) elements), 64);
        RandomWeights.fill(type, w, 100 + type.id);
        return w;
    }

    private static float[] activations(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextDouble(-1, 1);
        return x;
    }

    private static void check(String what, float[] w, int wFrom, float[] x, int xFrom, int n, float got) {
        double want = 0, magnitude = 0;
        for (int k = 0; k < n; k++) {
            double p = (double) w[wFrom + k] * x[xFrom + k];
            want += p;
            magnitude += Math.abs(p);
        }
        double bound = (n + 2) * UNIT_ROUNDOFF * magnitude + Float.MIN_NORMAL;
        if (!(Math.abs(got - want) <= bound)) fail(what + ": " + got + ", want " + want + " (bound " + bound + ")");
    }

    /** Runs the program on w, x (and pairs), returning {@code outputs} floats. */
    private static float[] products(List<String> args, MemorySegment w, float[] x, int[] pairs, int outputs)
            throws IOException, InterruptedException {
        Path wf = dir.resolve("w.bin"), xf = dir.resolve("x.bin"), pf = dir.resolve("pairs.bin"), out = dir.resolve("out.bin");
        Files.write(wf, w.toArray(ValueLayout.JAVA_BYTE));
        ByteBuffer xb = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) xb.putFloat(v);
        Files.write(xf, xb.array());
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(args);
        command.add(wf.toString());
        command.add(xf.toString());
        if (pairs != null) {
            ByteBuffer pb = ByteBuffer.allocate(4 * pairs.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : pairs) pb.putInt(v);
            Files.write(pf, pb.array());
            command.add(pf.toString());
        }
        command.add(out.toString());
        run(command);
        ByteBuffer got = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4L * outputs, got.capacity(), "floats written");
        float[] result = new float[outputs];
        for (int i = 0; i < outputs; i++) result[i] = got.getFloat(4 * i);
        return result;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(command.getFirst() + " did not finish in 300 s");
        }
        if (p.exitValue() != 0) fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + output);
    }
}
