package dev.jmoe.host.kernel;

import jdk.incubator.vector.ByteVector;

/**
 * The sixteen signed levels that the 4-bit codes of IQ4_NL and IQ4_XS blocks index: GGML's non-linear
 * grid, denser near zero, where most weights are. One table for the reference decoder and the kernels.
 */
final class Iq4Levels {
    private Iq4Levels() {}

    /** Level of code c at index c (0..15). */
    static final byte[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** The levels as one 128-bit vector: {@code codes.selectFrom(VECTOR)} turns 16 codes into their levels (one byte shuffle). */
    static final ByteVector VECTOR = ByteVector.fromArray(ByteVector.SPECIES_128, LEVELS, 0);

    static int level(int code) {
        return LEVELS[code];
    }
}
