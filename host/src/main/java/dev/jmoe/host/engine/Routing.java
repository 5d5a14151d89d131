package dev.jmoe.host.engine;

/**
 * The experts chosen for each token of a micro-batch: token t uses experts[t·used + j] with weight
 * weights[t·used + j], j in selection order (descending router probability).
 */
public record Routing(int tokens, int used, int[] experts, float[] weights) {
    /**
     * out[t·n + i] = Σ_j weight_tj · rows[(t·used + j)·n + i] for tokens t0..t1: each token's expert outputs
     * (one row of n per pair, pairs in token order) scaled by their weights and summed in selection order, as
     * the reference does.
     */
    public void combine(float[] rows, int n, float[] out, int t0, int t1) {
        for (int t = t0; t < t1; t++) {
            for (int i = 0; i < n; i++) {
                float acc = 0;
                for (int j = 0; j < used; j++) {
                    int pair = t * used + j;
                    float term = weights[pair] * rows[pair * n + i];
                    acc = j == 0 ? term : acc + term;
                }
                out[t * n + i] = acc;
            }
        }
    }
}
