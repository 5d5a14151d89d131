package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.RandomWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU kernels' GGML decode ({@code ggml_blocks.cuh}, which {@code dequant_f32}, {@code matvec_f32} and
 * {@code matvec_pairs_f32} read every weight through) built as a host program ({@code decode_host.cu}) and run
 * here, without a GPU, against the host reference {@link ScalarDequant} bit for bit for every type: on random bytes
 * (every bit pattern, scales included, NaN for NaN) and on valid blocks. The layouts are where such code goes
 * wrong; the device's own arithmetic is left to the self-check and the GPU tests. Skipped without nvcc.
 */
class GgmlBlocksOnHostTest {
    @TempDir
    static Path dir;
    private static HostKernelProgram decode;

    @BeforeAll
    static void build() throws IOException, InterruptedException {
        decode = HostKernelProgram.build("decode_host.cu", dir);
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
        assertEquals(15, checked, "F32, F16, BF16, the four 32-element types, Q8_0, the five K types, IQ4_NL and IQ4_XS");
    }

    private static void compare(GgmlType type, MemorySegment bytes, int elements, String what) throws IOException, InterruptedException {
        Path in = decode.write(type + ".in", bytes.toArray(ValueLayout.JAVA_BYTE)), out = decode.file(type + ".out");
        decode.run(type.id, elements, in, out);
        float[] got = HostKernelProgram.readFloats(out, elements);
        float[] want = ScalarDequant.row(type, bytes, 0, elements);
        for (int i = 0; i < elements; i++) {
            boolean same = Float.floatToIntBits(got[i]) == Float.floatToIntBits(want[i]) || (Float.isNaN(got[i]) && Float.isNaN(want[i]));
            if (!same) fail(type + " (" + what + ") element " + i + ": the device decode gives " + got[i] + ", the host reference " + want[i]);
        }
    }
}
