package dev.jmoe.host.kernel.quant;

import dev.jmoe.host.kernel.Iq4Levels;

/**
 * The nearest of the IQ4 grid's sixteen levels ({@link Iq4Levels}) to a value in units of the block's scale,
 * and the 16 bytes of codes for 32 values, placed as Q4_0's nibbles.
 */
final class Iq4Codes {
    private Iq4Codes() {}

    /** The code whose level is nearest to v (ties to the lower code). */
    static int nearest(float v) {
        int best = 0;
        for (int c = 1; c < 16; c++) if (Math.abs(Iq4Levels.level(c) - v) < Math.abs(Iq4Levels.level(best) - v)) best = c;
        return best;
    }

    /** The codes of x[from .. from + 32) for the scale {@code d} (element i low nibble of byte i, i + 16 its high) at out[at..]. */
    static void write(float[] x, int from, float d, java.lang.foreign.MemorySegment out, long at) {
        float inv = d == 0 ? 0 : 1 / d;
        for (int i = 0; i < 16; i++) {
            int lo = nearest(x[from + i] * inv), hi = nearest(x[from + i + 16] * inv);
            Le.u8(out, at + i, lo | hi << 4);
        }
    }
}
