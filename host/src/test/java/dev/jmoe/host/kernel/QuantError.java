package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helper: the error bound of a quantized tensor against its float source, per block.
 *
 * <p>Round-to-nearest types with one scale d per 32 (Q8_0, Q4_0, Q5_0): the quantizer picks d from the
 * block's extreme value and rounds each element to the nearest step, so |err| ≤ |d|/2 for Q8_0; Q4_0 and
 * Q5_0 put the extreme at −8 (−16) and clamp the other side at +7 (+15), so one element can be a whole step
 * off: |err| ≤ |d|. d is stored as f16 (relative rounding ≤ 2^-11), which adds up to |q|·2^-11·|d|:
 * 127/2048 of a step for Q8_0, 16/2048 for Q4_0/Q5_0.
 *
 * <p>K types choose sub-block scales by a search and round them to 6 bits, so no per-element bound holds
 * (an element can sit at a clamped end). Instead the RMS error over each 256-element super-block is bounded
 * relative to the super-block's RMS value: uniform rounding with 2^b levels spread over a range of about
 * ±2.5σ of a sub-block gives an RMS error of range/(2^b−1)/√12: ≈ 0.10σ for 4 bits, 0.047σ for 5, 0.023σ
 * for 6. The bounds are twice that (small super-blocks fluctuate); a wrong layout gives ≈ 1.4σ.
 */
final class QuantError {
    private QuantError() {}

    static double relativeRmsBound(GgmlType t) {
        return switch (t) {
            case Q4_K -> 0.20;
            case Q5_K -> 0.10;
            case Q6_K -> 0.05;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    static void check(GoldenTensors.Entry e, MemorySegment file, float[] want, float[] got) {
        GgmlType t = e.type();
        int blocks = want.length / t.blockSize;
        for (int blk = 0; blk < blocks; blk++) {
            long at = e.offset() + (long) blk * t.bytesPerBlock;
            int from = blk * t.blockSize;
            switch (t) {
                case Q8_0 -> perElement(e, blk, want, got, from, 32, (0.5 + 127 / 2048.0) * Math.abs(Bytes.f16(file, at)));
                case Q4_0, Q5_0 -> perElement(e, blk, want, got, from, 32, (1 + 16 / 2048.0) * Math.abs(Bytes.f16(file, at)));
                case Q4_K, Q5_K, Q6_K -> relativeRms(e, blk, want, got, from, relativeRmsBound(t));
                default -> fail("no error model for " + t + " (" + e.name() + ")");
            }
        }
    }

    private static void perElement(GoldenTensors.Entry e, int blk, float[] want, float[] got, int from, int n, double bound) {
        for (int i = from; i < from + n; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (err > bound + 1e-7) {
                fail(e.name() + " " + e.type() + " block " + blk + " element " + i + ": got " + got[i]
                        + ", source " + want[i] + ", |err| " + err + " > bound " + bound);
            }
        }
    }

    private static void relativeRms(GoldenTensors.Entry e, int blk, float[] want, float[] got, int from, double bound) {
        double err2 = 0, val2 = 0;
        for (int i = from; i < from + 256; i++) {
            double d = got[i] - want[i];
            err2 += d * d;
            val2 += (double) want[i] * want[i];
        }
        double rel = Math.sqrt(err2 / Math.max(val2, 1e-30));
        if (rel > bound) {
            fail(e.name() + " " + e.type() + " super-block " + blk + ": relative RMS error " + rel + " > " + bound);
        }
    }
}
