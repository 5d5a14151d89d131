package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

/**
 * How an activation row is prepared for a dot product with a weight row, as the reference does it: float
 * for float weights; int8 blocks of 32 (Q8_0) for the 32-element quant types; int8 super-blocks of 256 with
 * a float scale and per-16 sums (Q8_K) for the K types. With int8 activations the sums of products of the
 * quants are exact integers, so only the scales bring rounding.
 */
public enum ActivationFormat {
    F32(1),
    Q8_0(32),
    Q8_K(256);

    /** Elements per activation block (1 for floats). */
    public final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    /** The activation format the dot product with weights of {@code type} uses. */
    public static ActivationFormat forWeight(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> F32;
            case Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 -> Q8_0;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> Q8_K;
            default -> throw new IllegalArgumentException("no kernel for tensor type " + type);
        };
    }
}
