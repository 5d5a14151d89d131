package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

/**
 * How an activation row is prepared for a dot product with a weight row, as the reference (ik_llama.cpp on
 * x86 with AVX2) does it: float for float weights; int8 blocks of 32 with a bf16 scale and int quant sums
 * (its q8_2) for the 32-element types and for Q4_K, Q5_K and Q6_K; int8 super-blocks of 256 with a float
 * scale and per-16 sums (its Q8_K) for Q2_K, Q3_K and IQ4_XS. With int8 activations the sums of products of the
 * quants are exact integers, so only the scales bring rounding.
 */
public enum ActivationFormat {
    F32(1),
    Q8_2(32),
    Q8_K(256);

    /** Elements per activation block (1 for floats). */
    public final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    /** Elements per quant sum kept in {@link Activation#sums}: the finest group a weight type's mins need. */
    int sumGroup() {
        return this == Q8_K ? 16 : 32;
    }

    /** The activation format the dot product with weights of {@code type} uses. */
    public static ActivationFormat forWeight(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> F32;
            case Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, IQ4_NL -> Q8_2;
            case Q2_K, Q3_K, IQ4_XS -> Q8_K;
            default -> throw new IllegalArgumentException("no kernel for tensor type " + type);
        };
    }
}
