package dev.jmoe.host.model;

import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.WeightMatrix;

/** The attention tensors of one block: grouped-query (llama family) or latent (deepseek2). */
public sealed interface AttentionWeights {
    WeightMatrix output();

    /**
     * Grouped-query attention; {@code qNorm}/{@code kNorm} only where the architecture normalises Q and K per
     * head (qwen3, qwen3moe).
     */
    record GroupedQuery(WeightMatrix q, WeightMatrix k, WeightMatrix v, float[] qNorm, float[] kNorm,
                        WeightMatrix output) implements AttentionWeights {}

    /**
     * Multi-head latent attention. {@code q} is {@code attn_q_b} behind the low-rank {@code qA} (with its norm),
     * or a plain {@code attn_q} where {@code qA} is null. {@code kvA} gives {@code [c | k_pe]} per token.
     * One matrix per head (as the "experts" of a 3-D tensor, so all heads run in one product):
     * {@code keyAbsorb} (kv_lora rows × nope columns) turns a head's nope query into the latent space
     * (q·k = (k_bᵀ q)·c), and {@code valueUp} (value rows × kv_lora columns) turns the attended latent into
     * the head's value output.
     */
    record Latent(WeightMatrix qA, float[] qANorm, WeightMatrix q, WeightMatrix kvA, float[] kvANorm,
                  ExpertWeights keyAbsorb, ExpertWeights valueUp, WeightMatrix output) implements AttentionWeights {}
}
