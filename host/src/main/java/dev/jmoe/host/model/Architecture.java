package dev.jmoe.host.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The architectures the engine runs, by their {@code general.architecture} name, with what tells them
 * apart in the one transformer forward pass. Whether the FFN is dense or MoE follows from the tensors
 * (and {@code expert_count}), not from the name: Mixtral is {@code llama} with expert tensors.
 */
public enum Architecture {
    LLAMA("llama", RopeStyle.ADJACENT_PAIRS, false, false),
    QWEN3("qwen3", RopeStyle.HALVES, true, false),
    QWEN3MOE("qwen3moe", RopeStyle.HALVES, true, false),
    /** DeepSeek-V2/V3/R1, Kimi K2: latent attention, shared experts, leading dense layers. */
    DEEPSEEK2("deepseek2", RopeStyle.ADJACENT_PAIRS, false, true);

    public final String ggufName;
    public final RopeStyle rope;
    /** Per-head RMSNorm of Q and K before RoPE ({@code attn_q_norm}, {@code attn_k_norm}). */
    public final boolean qkNorm;
    /** Multi-head latent attention (MLA) instead of grouped-query attention. */
    public final boolean latentAttention;

    Architecture(String ggufName, RopeStyle rope, boolean qkNorm, boolean latentAttention) {
        this.ggufName = ggufName;
        this.rope = rope;
        this.qkNorm = qkNorm;
        this.latentAttention = latentAttention;
    }

    /** The architecture called {@code name} in GGUF metadata; anything else is an {@link UnsupportedModelException}. */
    public static Architecture of(String name) {
        for (Architecture a : values()) if (a.ggufName.equals(name)) return a;
        throw new UnsupportedModelException("architecture " + name + " is not supported (supported: " + supportedNames() + ")");
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", "));
    }
}
