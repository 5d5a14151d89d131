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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU kernels' GGML decode ({@code ggml_blocks.cuh}, which {@code dequant_f32}, {@code matvec_f32} and
 * {@code matvec_pairs_f32} read every weight through) built by nvcc as a host program and run here, without a
 * GPU, against the host reference {@link ScalarDequant} bit for bit for every type: on random bytes (every bit
 * pattern, scales included, NaN for NaN) and on valid blocks. The layouts are where such code goes wrong; what
 * this cannot check is the device's own arithmetic, which the self-check and the GPU tests do. Without nvcc it is
 * skipped, not passed.
 */
class GgmlBlocksOnHostTest {
    @TempDir
    static Path dir;
    private static Path program;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        Path nvcc = onPath("nvcc");
        assumeTrue(nvcc != null, "nvcc not on PATH: the device decode is not checked on the host");
        Path source = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
                .resolveSibling("kernels-ptx").resolve("src/test/cuda/decode_host.cu");
        program = dir.resolve("decode_host");
        // No FMA contraction on the host, so its float products and differences round as the device's _rn ones.
        run(List.of(nvcc.toString(), "-O2", "-Xcompiler", "-ffp-contract=off", "-o", program.toString(), source.toString()));
    }

    @Test
    void everyTypeDecodesAsTheHostReferenceOnRandomBytesAndOnValidBlocks() throws IOException, InterruptedException {
        int checked = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType type : GgmlType.values()) {
                if (!ScalarDequant.supports(type)) continue;
                int elements = 4 * Math.max(type.blockSize, 64);
                MemorySegment random = arena.allocate(type.bytesFor(elements), 64);
                RandomWeights.randomBytes(random, 11 + type.id);
                compare(type, random, elements, "random bytes");
                MemorySegment valid = arena.allocate(type.bytesFor(elements), 64);
                RandomWeights.fill(type, valid, 17 + type.id);
                compare(type, valid, elements, "valid blocks");
                checked++;
            }
        }
        assertEquals(13, checked, "F32, F16, BF16, the four 32-element types, Q8_0 and the five K types");
    }

    private static void compare(GgmlType type, MemorySegment bytes, int elements, String what) throws IOException, InterruptedException {
        Path in = dir.resolve(type + ".in"), out = dir.resolve(type + ".out");
        Files.write(in, bytes.toArray(ValueLayout.JAVA_BYTE));
        run(List.of(program.toString(), Integer.toString(type.id), Integer.toString(elements), in.toString(), out.toString()));
        ByteBuffer got = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        float[] want = ScalarDequant.row(type, bytes, 0, elements);
        assertEquals(4L * elements, got.capacity(), type + ": floats written");
        for (int i = 0; i < elements; i++) {
            float g = got.getFloat(4 * i);
            boolean same = Float.floatToIntBits(g) == Float.floatToIntBits(want[i]) || (Float.isNaN(g) && Float.isNaN(want[i]));
            if (!same) fail(type + " (" + what + ") element " + i + ": the device decode gives " + g + ", the host reference " + want[i]);
        }
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

    private static Path onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) return Path.of(d, command);
        }
        return null;
    }
}
