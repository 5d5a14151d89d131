package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.PairsByExpert;

import java.util.function.IntToLongFunction;

/**
 * The MoE products on a device, expert by expert: the tokens routed to each expert are gathered, multiplied by
 * that expert's matrix where it lies on the device, and their rows scattered back, so each routed expert is one
 * product over its tokens and an expert no token chose costs nothing. Whether the experts were uploaded for this
 * micro-batch (the staging ring) or live on the device (placed there) only changes where each one starts.
 */
final class PerExpertProducts {
    private PerExpertProducts() {}

    /**
     * {@code out[i] = expert pairExpert[i] of w · x[pairToken[i]]}, expert e's matrix at device address
     * {@code addressOf.applyAsLong(e)} (negative: it is not on the device, which is an error for a routed expert).
     */
    static void run(ExpertProduct product, ExpertWeights w, IntToLongFunction addressOf, float[] x, int[] pairToken,
                    int[] pairExpert, float[] out) {
        run(product, w.type(), w.cols(), w.rows(), w.experts(), addressOf, x, pairToken, pairExpert, out);
    }

    /** As above for a stack of {@code experts} {@code rows × cols} matrices of {@code type}. */
    static void run(ExpertProduct product, GgmlType type, int cols, int rows, int experts, IntToLongFunction addressOf,
                    float[] x, int[] pairToken, int[] pairExpert, float[] out) {
        PairsByExpert byExpert = PairsByExpert.of(pairExpert, experts);
        float[] xs = new float[0], ys = new float[0];
        for (int e = 0; e < experts; e++) {
            int n = byExpert.count(e);
            if (n == 0) continue;
            long address = addressOf.applyAsLong(e);
            if (address < 0) throw new IllegalStateException("expert " + e + " was routed but is not on the device");
            if (xs.length < n * cols) xs = new float[n * cols];
            if (ys.length < n * rows) ys = new float[n * rows];
            for (int j = 0; j < n; j++) System.arraycopy(x, pairToken[byExpert.pair(e, j)] * cols, xs, j * cols, cols);
            product.multiply(address, type, cols, rows, xs, n, ys);
            for (int j = 0; j < n; j++) System.arraycopy(ys, j * rows, out, byExpert.pair(e, j) * rows, rows);
        }
    }
}
