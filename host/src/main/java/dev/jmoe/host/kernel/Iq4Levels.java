package dev.jmoe.host.kernel;

import jdk.incubator.vector.ByteVector;

/**
 * The sixteen signed levels that the 4-bit codes of IQ4_NL and IQ4_XS blocks index: GGML's non-linear
 * grid, denser near zero, where most weights are; and IQ4_XS's packed sub-block scales. One place for the
 * kernels and the weight writer (the reference decoder spells the scale layout out byte by byte on its own;
 * the hand-built block tests write the grid out again).
 */
public final class Iq4Levels {
    private Iq4Levels() {}

    /** Level of code c at index c (0..15). */
    static final byte[] LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** The levels as one 128-bit vector: {@code codes.selectFrom(VECTOR)} turns 16 codes into their levels (one byte shuffle). */
    static final ByteVector VECTOR = ByteVector.fromArray(ByteVector.SPECIES_128, LEVELS, 0);

    /** The level of code c (0..15). */
    public static int level(int code) {
        return LEVELS[code];
    }

    /**
     * IQ4_XS sub-block g's scale minus its offset of 32 (−32..31), from the block's u16 of high bits (bits 2g,
     * 2g + 1 are its top two) and its four low-nibble bytes read as one little-endian int (nibble g).
     */
    static int xsScale(int high, int low, int g) {
        return (((low >>> (4 * g)) & 0xF) | (((high >>> (2 * g)) & 3) << 4)) - 32;
    }
}
