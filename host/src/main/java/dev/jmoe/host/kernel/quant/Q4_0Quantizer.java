package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: an f16 scale d and 32 4-bit codes; x = d * (q - 8). Element i sits in the low nibble of byte i
 * and element i + 16 in its high nibble. d = -(value of largest magnitude) / 8, so that value maps to code 0
 * exactly and the other side of zero gets the 7 remaining steps.
 */
final class Q4_0Quantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 32;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float d = Le.roundedF16(BlockQuantizer.extreme(x, from) / -8f);
        float inv = d == 0 ? 0 : 1 / d;
        Le.f16(out, at, d);
        for (int i = 0; i < 16; i++) {
            int lo = code(x[from + i], inv);
            int hi = code(x[from + i + 16], inv);
            Le.u8(out, at + 2 + i, lo | hi << 4);
        }
    }

    private static int code(float v, float inv) {
        return Le.clamp(Math.round(v * inv) + 8, 0, 15);
    }
}
