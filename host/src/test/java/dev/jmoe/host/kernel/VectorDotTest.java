package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Vector kernels at 512, 256 and 128 bits against the exact reference, over random rows of every type. */
class VectorDotTest {
    static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
        GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
        GgmlType.IQ4_NL, GgmlType.IQ4_XS};

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (VectorSpecies<Float> s : List.of(FloatVector.SPECIES_512, FloatVector.SPECIES_256, FloatVector.SPECIES_128)) {
            for (GgmlType t : TYPES) out.add(Arguments.of(s.vectorBitSize(), t));
        }
        return out;
    }

    /**
     * Row lengths: one block, a few odd block counts; for float types also lengths that leave a tail; for the
     * 32-element types also even block counts (the 16-lane Q5_0/Q5_1 dots take two blocks at a time).
     */
    static int[] lengths(GgmlType t) {
        return switch (t.blockSize) {
            case 1 -> new int[] {1, 7, 33, 100, 1027};
            case 32 -> new int[] {32, 96, 160, 4000, 64, 4096};
            default -> new int[] {256, 768, 2304};
        };
    }

    @ParameterizedTest(name = "{0} bits {1}")
    @MethodSource("cases")
    void vectorMatchesExactReference(int bits, GgmlType type) {
        RowDot kernel = RowDots.withSpecies(VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits)));
        assertEquals(bits, kernel.vectorBits());
        Random r = new Random(bits * 31L + type.ordinal());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : lengths(type)) {
                for (int rows = 0; rows < 3; rows++) {
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * (i % 5 == 0 ? 10 : 1));
                    Activation a = ActivationQuantizer.quantize(x, ActivationFormat.forWeight(type));
                    // The row starts at an odd offset and ends exactly at the end of the segment.
                    long offset = 3 + type.bytesPerBlock * rows;
                    MemorySegment all = arena.allocate(offset + type.bytesFor(n));
                    RandomWeights.fill(type, all.asSlice(offset), r.nextLong());
                    double want = ScalarDot.integer(type, all, offset, a);
                    float got = kernel.dot(type, all, offset, a);
                    double tol = DotMagnitude.tolerance(type, all, offset, a);
                    assertEquals(want, got, tol, type + " n=" + n + " row " + rows);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits {1}")
    @MethodSource("cases")
    void fourTokensAtOnceMatchTheExactReferencePerToken(int bits, GgmlType type) {
        RowDot kernel = RowDots.withSpecies(VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits)));
        Random r = new Random(bits * 17L + type.ordinal());
        int n = lengths(type)[1];
        Activation[] a = new Activation[4];
        for (int t = 0; t < 4; t++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
            a[t] = ActivationQuantizer.quantize(x, ActivationFormat.forWeight(type));
        }
        try (Arena arena = Arena.ofConfined()) {
            long offset = 5;
            MemorySegment all = arena.allocate(offset + type.bytesFor(n));
            RandomWeights.fill(type, all.asSlice(offset), r.nextLong());
            float[] out = new float[4];
            kernel.dot4(type, all, offset, a[0], a[1], a[2], a[3], out);
            for (int t = 0; t < 4; t++) {
                double want = ScalarDot.integer(type, all, offset, a[t]);
                assertEquals(want, out[t], DotMagnitude.tolerance(type, all, offset, a[t]), type + " token " + t);
                // Batching must not change a token's result at all, or -ub sizes give different logits.
                assertEquals(kernel.dot(type, all, offset, a[t]), out[t], 0f, type + " token " + t + " against its single dot");
            }
        }
    }

    @Test
    void preferredKernelIsTheWidestSupported() {
        assertEquals(RowDots.preferredSpecies().vectorBitSize(), RowDots.preferred().vectorBits());
    }

    @ParameterizedTest(name = "{0} bits {1}")
    @MethodSource("cases")
    void rowsAtOnceMatchTheExactReferencePerRow(int bits, GgmlType type) {
        RowDot kernel = RowDots.withSpecies(VectorSpecies.of(float.class, jdk.incubator.vector.VectorShape.forBitSize(bits)));
        Random r = new Random(bits * 7L + type.ordinal());
        int n = lengths(type)[1], rows = 5;
        long rowBytes = type.bytesFor(n) + 3, offset = 1;   // rows apart by more than their length, the last one at the end
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        Activation a = ActivationQuantizer.quantize(x, ActivationFormat.forWeight(type));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment all = arena.allocate(offset + (rows - 1) * rowBytes + type.bytesFor(n));
            for (int row = 0; row < rows; row++) RandomWeights.fill(type, all.asSlice(offset + row * rowBytes, type.bytesFor(n)), r.nextLong());
            float[] out = new float[rows + 2];
            kernel.dotRows(type, all, offset, rowBytes, rows, a, out, 2, new float[RowDot.SCRATCH]);
            for (int row = 0; row < rows; row++) {
                long at = offset + row * rowBytes;
                assertEquals(ScalarDot.integer(type, all, at, a), out[2 + row], DotMagnitude.tolerance(type, all, at, a), type + " row " + row);
                assertEquals(kernel.dot(type, all, at, a), out[2 + row], 0f, type + " row " + row + " against its single dot");
            }
            float[] small = new float[rows + 1];
            assertThrows(IndexOutOfBoundsException.class, () -> kernel.dotRows(type, all, offset, rowBytes, rows + 1, a, small, 0, new float[RowDot.SCRATCH]), "rows past the segment");
            assertThrows(IndexOutOfBoundsException.class, () -> kernel.dotRows(type, all, offset, rowBytes, rows, a, small, 2, new float[RowDot.SCRATCH]), "past the output");
        }
    }

    @Test
    void wrongActivationFormatOrShortSegmentIsRejected() {
        RowDot k = RowDots.preferred();
        MemorySegment w = MemorySegment.ofArray(new byte[18 * 4]);
        Activation q8k = new Activation(ActivationFormat.Q8_K, 256);
        assertThrows(IllegalArgumentException.class, () -> k.dot(GgmlType.Q4_0, w, 0, q8k));
        Activation q80 = new Activation(ActivationFormat.Q8_2, 160);
        assertThrows(IndexOutOfBoundsException.class, () -> k.dot(GgmlType.Q4_0, w, 0, q80));
    }
}
