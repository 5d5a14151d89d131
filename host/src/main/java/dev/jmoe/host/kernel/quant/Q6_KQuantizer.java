package dev.jmoe.host.kernel.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q6_K: super-blocks of 256 = 16 sub-blocks of 16, x = d * sc[s] * (q - 32) with 6-bit codes and int8
 * sub-block scales. Layout: 128 bytes ql (low 4 bits), 64 bytes qh (high 2 bits), 16 int8 scales, f16 d.
 * Each half of 128 elements uses 64 ql and 32 qh bytes: element e (0..127) of a half takes ql[e % 64]
 * (low nibble for e < 64, high otherwise) and bits 2 * (e / 32) of qh[e % 32].
 */
final class Q6_KQuantizer implements BlockQuantizer {
    @Override
    public int blockSize() {
        return 256;
    }

    @Override
    public void block(float[] x, int from, MemorySegment out, long at) {
        float[] step = new float[16];
        float maxStep = 0;
        for (int s = 0; s < 16; s++) {
            float amax = 0;
            for (int i = 0; i < 16; i++) amax = Math.max(amax, Math.abs(x[from + 16 * s + i]));
            step[s] = amax / 31f;
            maxStep = Math.max(maxStep, step[s]);
        }
        float d = Le.roundedF16(maxStep / 127f);
        out.asSlice(at, 192).fill((byte) 0);
        for (int s = 0; s < 16; s++) {
            int sc = d == 0 ? 0 : Le.clamp((int) Math.ceil(step[s] / d), 0, 127);
            Le.u8(out, at + 192 + s, sc);
            float inv = sc == 0 ? 0 : 1 / (d * sc);
            for (int i = 0; i < 16; i++) {
                int e = 16 * s + i;
                put(out, at, e, Le.clamp(Math.round(x[from + e] * inv), -32, 31) + 32);
            }
        }
        Le.f16(out, at + 208, d);
    }

    private static void put(MemorySegment out, long at, int element, int q) {
        int half = element / 128, e = element % 128;
        long ql = at + 64L * half + e % 64;
        long qh = at + 128 + 32L * half + e % 32;
        int lowShift = e < 64 ? 0 : 4;
        or(out, ql, (q & 0xF) << lowShift);
        or(out, qh, (q >> 4) << 2 * (e / 32));
    }

    private static void or(MemorySegment out, long at, int bits) {
        out.set(ValueLayout.JAVA_BYTE, at, (byte) (out.get(ValueLayout.JAVA_BYTE, at) | bits));
    }
}
