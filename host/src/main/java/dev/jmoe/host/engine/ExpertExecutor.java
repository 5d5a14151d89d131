package dev.jmoe.host.engine;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.model.MoeWeights;
import dev.jmoe.host.model.RouterSpec;

/**
 * The MoE FFN of one layer for one micro-batch: route each token, then run every (token, expert) pair
 * grouped by expert, so each chosen expert's gate, up and down bytes are read once per micro-batch.
 * The seam where a GPU path for large batches will plug in (it sees the same routing and pairs).
 */
public final class ExpertExecutor {
    private final Backend backend;
    private final int experts;
    private final RouterSpec router;

    public ExpertExecutor(Backend backend, int experts, RouterSpec router) {
        this.backend = backend;
        this.experts = experts;
        this.router = router;
    }

    /** out[t] = Σ_j weight_tj · down_e(silu(gate_e(h_t)) · up_e(h_t)) over the experts e chosen for token t. */
    public void run(MoeWeights w, float[] h, int tokens, float[] out) {
        int used = router.used();
        float[] logits = new float[tokens * experts];
        backend.matmul(w.router(), h, tokens, logits);
        Routing r = backend.route(logits, tokens, experts, router, w.selectionBias());
        int pairs = tokens * used;
        int[] pairToken = new int[pairs];
        int[] self = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            pairToken[i] = i / used;
            self[i] = i;
        }
        int ff = w.gate().rows();
        float[] gate = new float[pairs * ff];
        float[] up = new float[pairs * ff];
        backend.experts(new ExpertWeights[] {w.gate(), w.up()}, h, tokens, pairToken, r.experts(), new float[][] {gate, up});
        backend.swiglu(gate, up, pairs * ff, gate);
        int embd = w.down().rows();
        float[] down = new float[pairs * embd];
        backend.experts(w.down(), gate, pairs, self, r.experts(), down);
        backend.combine(r, down, embd, out);
    }
}
