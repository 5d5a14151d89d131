package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.WeightMatrix;
import dev.jmoe.host.model.DenseFfnWeights;
import dev.jmoe.host.model.LayerWeights;

/**
 * The FFN of one block: the routed experts (through the {@link ExpertExecutor}) and/or a dense SwiGLU, summed
 * in that order (a dense layer, or DeepSeek's shared experts added unweighted to the routed ones).
 */
final class FeedForward {
    private final Backend backend;
    private final ExpertExecutor experts;

    /** {@code experts} may be null for a model without MoE layers. */
    FeedForward(Backend backend, ExpertExecutor experts) {
        this.backend = backend;
        this.experts = experts;
    }

    /** out[t] = FFN(h[t]) for t below n; out is overwritten. */
    void run(LayerWeights lw, float[] h, int n, float[] out) {
        if (lw.moe() == null) {
            swiglu(lw.dense(), h, n, out);
            return;
        }
        experts.run(lw.moe(), h, n, out);
        if (lw.dense() != null) {
            float[] shared = new float[out.length];
            swiglu(lw.dense(), h, n, shared);
            backend.add(out, shared, out.length);
        }
    }

    private void swiglu(DenseFfnWeights w, float[] h, int n, float[] out) {
        int ff = w.gate().rows();
        float[] gate = new float[n * ff];
        float[] up = new float[n * ff];
        backend.matmul(new WeightMatrix[] {w.gate(), w.up()}, h, n, new float[][] {gate, up});
        backend.swiglu(gate, up, gate.length, gate);
        backend.matmul(w.down(), gate, n, out);
    }
}
