package dev.jmoe.host.model;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;

/**
 * One transformer block of the llama family. Norm weights are plain floats; matrices are slices of the
 * model's tensor data. Either the MoE fields ({@code router}, {@code *Exps}) or the dense FFN fields
 * ({@code ffnGate/Up/Down}) are set, never both; {@code qNorm}/{@code kNorm} only where the architecture
 * normalises Q and K per head.
 */
public record LayerWeights(float[] attnNorm, WeightMatrix q, WeightMatrix k, WeightMatrix v, float[] qNorm,
                           float[] kNorm, WeightMatrix attnOutput, float[] ffnNorm, WeightMatrix router,
                           ExpertWeights gateExps, ExpertWeights upExps, ExpertWeights downExps,
                           WeightMatrix ffnGate, WeightMatrix ffnUp, WeightMatrix ffnDown) {

    public boolean isMoe() {
        return router != null;
    }
}
