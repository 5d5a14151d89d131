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
        // a pass over the row per expert, each a plain loop C2 vectorizes (the sum over the experts inside the
        // element loop ran scalar: 1.8% of a prompt's time); the same products, added in the same order
        for (int t = t0; t < t1; t++) {
            int o = t * n;
            for (int j = 0; j < used; j++) {
                int pair = t * used + j, r = pair * n;
                float weight = weights[pair];
                if (j == 0) {
                    for (int i = 0; i < n; i++) out[o + i] = weight * rows[r + i];
                } else {
                    for (int i = 0; i < n; i++) out[o + i] += weight * rows[r + i];
                }
            }
        }
    }
}
