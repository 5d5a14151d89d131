package dev.jmoe.host.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The architectures the engine runs, by their {@code general.architecture} name, with what tells them
 * apart in the one llama-family forward pass. Whether the FFN is dense or MoE follows from the tensors
 * (and {@code expert_count}), not from the name: Mixtral is {@code llama} with expert tensors.
 */
public enum Architecture {
    LLAMA("llama", RopeStyle.ADJACENT_PAIRS, false),
    QWEN3("qwen3", RopeStyle.HALVES, true),
    QWEN3MOE("qwen3moe", RopeStyle.HALVES, true);

    /** Architectures known to exist that have no forward pass here yet (a clearer message than "unknown"). */
    private static final java.util.Set<String> PLANNED = java.util.Set.of("deepseek2");

    public final String ggufName;
    public final RopeStyle rope;
    /** Per-head RMSNorm of Q and K before RoPE ({@code attn_q_norm}, {@code attn_k_norm}). */
    public final boolean qkNorm;

    Architecture(String ggufName, RopeStyle rope, boolean qkNorm) {
        this.ggufName = ggufName;
        this.rope = rope;
        this.qkNorm = qkNorm;
    }

    /** The architecture called {@code name} in GGUF metadata; anything else is an {@link UnsupportedModelException}. */
    public static Architecture of(String name) {
        for (Architecture a : values()) if (a.ggufName.equals(name)) return a;
        String how = PLANNED.contains(name) ? " is not supported yet" : " is not supported";
        throw new UnsupportedModelException("architecture " + name + how + " (supported: " + supportedNames() + ")");
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(a -> a.ggufName).collect(Collectors.joining(", "));
    }
}
