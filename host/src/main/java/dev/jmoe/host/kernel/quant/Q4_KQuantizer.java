package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q4_K: super-blocks of 256 = 8 sub-blocks of 32. Layout: f16 d, f16 dmin, 12 bytes of 6-bit sub-block
 * scales and mins, 128 bytes of 4-bit codes; x = d * sc[s] * q - dmin * m[s]. Sub-block s uses the low
 * nibbles (s even) or high nibbles (s odd) of bytes 32 * (s / 2) .. + 31.
 *
 * <p>Each sub-block spans [min(0, lowest), highest] in 15 steps; the 6-bit scale is rounded up so the top
 * value never clips, the 6-bit min to nearest.
 */
final class Q4_KQuantizer implements BlockQuantizer {
    private static final int SUBS = 8;

    @Override
    public int blockSize() {
        return 256;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float[] step = new float[SUBS];
        float[] offset = new float[SUBS];
        float maxStep = 0, maxOffset = 0;
        for (int s = 0; s < SUBS; s++) {
            float lo = 0, hi = 0;
            for (int i = 0; i < 32; i++) {
                float v = x[from + 32 * s + i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            step[s] = (hi - lo) / 15f;
            offset[s] = -lo;
            maxStep = Math.max(maxStep, step[s]);
            maxOffset = Math.max(maxOffset, offset[s]);
        }
        float d = Le.roundedF16(maxStep / 63f);
        float dmin = Le.roundedF16(maxOffset / 63f);
        int[] sc = new int[SUBS];
        int[] m = new int[SUBS];
        for (int s = 0; s < SUBS; s++) {
            sc[s] = d == 0 ? 0 : Le.clamp((int) Math.ceil(step[s] / d), 0, 63);
            m[s] = dmin == 0 ? 0 : Le.clamp(Math.round(offset[s] / dmin), 0, 63);
        }
        Le.f16(out, at, d);
        Le.f16(out, at + 2, dmin);
        packScales(sc, m, out, at + 4);
        out.asSlice(at + 16, 128).fill((byte) 0);
        for (int s = 0; s < SUBS; s++) {
            float unit = d * sc[s];
            float inv = unit == 0 ? 0 : 1 / unit;
            float shift = dmin * m[s];
            long base = at + 16 + 32L * (s / 2);
            for (int i = 0; i < 32; i++) {
                int q = Le.clamp(Math.round((x[from + 32 * s + i] + shift) * inv), 0, 15);
                int old = out.get(ValueLayout.JAVA_BYTE, base + i);
                Le.u8(out, base + i, old | q << 4 * (s % 2));
            }
        }
    }

    /** Sub-blocks 0-3 in the low 6 bits of bytes 0-3 (scales) and 4-7 (mins); 4-7 split over nibbles of 8-11 and the top bits. */
    private static void packScales(int[] sc, int[] m, MemorySegment out, long at) {
        for (int j = 0; j < 4; j++) {
            Le.u8(out, at + j, sc[j] | (sc[j + 4] >> 4) << 6);
            Le.u8(out, at + j + 4, m[j] | (m[j + 4] >> 4) << 6);
            Le.u8(out, at + j + 8, (sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
        }
    }
}
