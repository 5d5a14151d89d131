package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_XS: a super-block of 256 with an f16 scale d and eight 6-bit sub-block scales ls (x = d·(ls − 32)·level
 * per sub-block of 32). Each sub-block wants the scale its largest value / −127 (as {@link IQ4_NLQuantizer});
 * d is the largest of those / −32, so that sub-block's is exact, the others round to the nearest multiple of
 * d; then every value takes the nearest level for its sub-block's stored scale. Layout: d, a u16 with each
 * sub-block's top two scale bits (bits 2g, 2g + 1), four bytes of low scale nibbles (sub-block g in nibble g % 2
 * of byte g / 2), then 16 code bytes per sub-block.
 */
final class IQ4_XSQuantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 256;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float[] wanted = new float[8];
        float largest = 0;
        for (int g = 0; g < 8; g++) {
            wanted[g] = BlockQuantizer.extreme(x, from + 32 * g) / -127f;
            if (Math.abs(wanted[g]) > Math.abs(largest)) largest = wanted[g];
        }
        float d = Le.roundedF16(largest / -32f);
        float inv = d == 0 ? 0 : 1 / d;
        Le.f16(out, at, d);
        int high = 0, low = 0;
        for (int g = 0; g < 8; g++) {
            int ls = Le.clamp(Math.round(wanted[g] * inv), -32, 31) + 32;
            high |= (ls >>> 4) << (2 * g);
            low |= (ls & 0xF) << (4 * g);
            Iq4Codes.write(x, from + 32 * g, d * (ls - 32), out, at + 8 + 16 * g);
        }
        Le.u8(out, at + 2, high & 0xFF);
        Le.u8(out, at + 3, high >>> 8);
        for (int k = 0; k < 4; k++) Le.u8(out, at + 4 + k, low >>> (8 * k));
    }
}
