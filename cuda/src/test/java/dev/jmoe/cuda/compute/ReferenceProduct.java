package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ScalarDequant;

import java.lang.foreign.MemorySegment;

/**
 * The weight product by the book, for tests: the rows dequantized by the scalar reference, each dot accumulated in
 * double. {@link #atAddress} is the double of a device product where "device" memory is host memory.
 */
public final class ReferenceProduct {
    private ReferenceProduct() {}

    /** out[t][r] = Σ_k w[r][k]·x[t][k] for the {@code rows × cols} matrix of {@code type} in {@code w}. */
    public static void multiply(MemorySegment w, GgmlType type, int cols, int rows, float[] x, int tokens, float[] out) {
        float[] dense = ScalarDequant.row(type, w, 0, rows * cols);
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                for (int k = 0; k < cols; k++) acc += (double) dense[r * cols + k] * x[t * cols + k];
                out[t * rows + r] = (float) acc;
            }
        }
    }

    /**
     * Fails unless {@code got} is w[wFrom ..] · x[xFrom ..] (n elements) within the classic bound of a float dot
     * product summed in any order, (n + 2)·u·Σ|w·x| (u = 2^-24), of the double-precision sum.
     */
    public static void assertDot(String what, float[] w, int wFrom, float[] x, int xFrom, int n, double got) {
        double want = 0, magnitude = 0;
        for (int k = 0; k < n; k++) {
            double p = (double) w[wFrom + k] * x[xFrom + k];
            want += p;
            magnitude += Math.abs(p);
        }
        double bound = (n + 2) * 0x1p-24 * magnitude + Float.MIN_NORMAL;
        if (!(Math.abs(got - want) <= bound)) {
            org.junit.jupiter.api.Assertions.fail("%s = %s, want %s (error %.3g > bound %.3g)".formatted(what, got, want, Math.abs(got - want), bound));
        }
    }

    /** As {@link #multiply}, for the matrix at {@code address}: an {@link ExpertProduct} over host memory. */
    public static void atAddress(long address, GgmlType type, int cols, int rows, float[] x, int tokens, float[] out) {
        multiply(MemorySegment.ofAddress(address).reinterpret(type.bytesFor(cols) * rows), type, cols, rows, x, tokens, out);
    }
}
