package dev.jmoe.host.model;

/** Which elements of a head RoPE rotates together. */
public enum RopeStyle {
    /** Element i with element i + d/2 (qwen3, qwen3moe; "NEOX" in the reference). */
    HALVES,
    /** Elements 2i and 2i+1 (llama, Mixtral, DeepSeek's rope part). */
    ADJACENT_PAIRS
}
