package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/** Q8_0: an f16 scale d and 32 int8 values; x = d * q, d = max|x| / 127. */
final class Q8_0Quantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 32;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float amax = 0;
        for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[from + i]));
        float d = Le.roundedF16(amax / 127f);
        float inv = d == 0 ? 0 : 1 / d;
        Le.f16(out, at, d);
        for (int i = 0; i < 32; i++) Le.u8(out, at + 2 + i, Le.clamp(Math.round(x[from + i] * inv), -127, 127));
    }
}
