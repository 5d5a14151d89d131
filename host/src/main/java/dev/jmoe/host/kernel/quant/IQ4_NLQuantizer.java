package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL: an f16 scale d and 32 4-bit codes into the non-linear grid ({@link Iq4Codes}); x = d·level.
 * d = (value of largest magnitude) / −127, so that value is the grid's end exactly; every value takes the
 * nearest level.
 */
final class IQ4_NLQuantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 32;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float d = Le.roundedF16(BlockQuantizer.extreme(x, from) / -127f);
        Le.f16(out, at, d);
        Iq4Codes.write(x, from, d, out, at + 2);
    }
}
