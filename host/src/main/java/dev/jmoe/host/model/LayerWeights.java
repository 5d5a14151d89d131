package dev.jmoe.host.model;

/**
 * One transformer block. Norm weights are plain floats; matrices are slices of the model's tensor data. The
 * FFN is the sum of whatever is set: routed experts ({@code moe}) and/or a dense SwiGLU ({@code dense}: the
 * layer's FFN where it has no experts, DeepSeek's shared experts where it has both).
 */
public record LayerWeights(float[] attnNorm, AttentionWeights attention, float[] ffnNorm, MoeWeights moe, DenseFfnWeights dense) {
    public LayerWeights {
        if (moe == null && dense == null) throw new IllegalArgumentException("a layer needs experts or a dense FFN");
    }

    public boolean isMoe() {
        return moe != null;
    }
}
