package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: an f16 scale d, a u32 of fifth bits (bit j for element j) and 32 low nibbles as Q4_0 places them;
 * x = d * (q - 16). d = -(value of largest magnitude) / 16, so that value maps to code 0 exactly and the other
 * side of zero gets the 15 remaining steps.
 */
final class Q5_0Quantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 32;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float d = Le.roundedF16(BlockQuantizer.extreme(x, from) / -16f);
        float inv = d == 0 ? 0 : 1 / d;
        Le.f16(out, at, d);
        int fifth = 0;
        for (int i = 0; i < 16; i++) {
            int lo = code(x[from + i], inv), hi = code(x[from + i + 16], inv);
            fifth |= (lo >>> 4) << i | (hi >>> 4) << (i + 16);
            Le.u8(out, at + 6 + i, (lo & 15) | (hi & 15) << 4);
        }
        Le.u32(out, at + 2, fifth);
    }

    private static int code(float v, float inv) {
        return Le.clamp(Math.round(v * inv) + 16, 0, 31);
    }
}
