package dev.jmoe.host.engine;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.VectorMath;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * One layer's keys or values: a row per position, {@code width} floats wide (all kv heads side by side),
 * stored in a {@link CacheType} in native memory ({@link KvCache} places it), row after row of
 * {@link CacheType#rowBytes} bytes. Attention reads a head's slice of a row at a time as floats ({@link #read}).
 */
public sealed interface KvRows {
    /** Stores {@code src[off .. off + width)} as row {@code pos}, rounded to the storage type. */
    void write(int pos, float[] src, int off);

    /** dst[dstOff + i] = row[pos][col + i] for i below n, as floats. */
    void read(int pos, int col, int n, float[] dst, int dstOff);

    /** Rows pos .. pos + rows − 1 whole, as floats: row r into dst[dstOff + r·width() ..]. */
    default void readRows(int pos, int rows, float[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) read(pos + r, 0, width(), dst, dstOff + r * width());
    }

    /** Floats per row (all kv heads side by side). */
    int width();

    /** The rows as stored: row {@code pos} starts at byte {@code pos · rowBytes()}, in the GGML encoding {@link #encoding}. */
    MemorySegment storage();

    long rowBytes();

    /** How a row is encoded, as a GGML tensor type (F32, F16, Q8_0): what a device mirror of the rows decodes. */
    GgmlType encoding();

    final class F32 implements KvRows {
        private final int width;
        private final MemorySegment data;

        F32(int width, MemorySegment data) {
            this.width = width;
            this.data = data;
        }

        public void write(int pos, float[] src, int off) {
            MemorySegment.copy(src, off, data, JAVA_FLOAT_UNALIGNED, 4L * pos * width, width);
        }

        public void read(int pos, int col, int n, float[] dst, int dstOff) {
            MemorySegment.copy(data, JAVA_FLOAT_UNALIGNED, 4L * ((long) pos * width + col), dst, dstOff, n);
        }

        @Override
        public void readRows(int pos, int rows, float[] dst, int dstOff) {
            MemorySegment.copy(data, JAVA_FLOAT_UNALIGNED, 4L * pos * width, dst, dstOff, rows * width);
        }

        public MemorySegment storage() {
            return data;
        }

        public int width() {
            return width;
        }

        public long rowBytes() {
            return 4L * width;
        }

        public GgmlType encoding() {
            return GgmlType.F32;
        }
    }

    final class F16 implements KvRows {
        private final int width;
        private final MemorySegment data;

        F16(int width, MemorySegment data) {
            this.width = width;
            this.data = data;
        }

        public void write(int pos, float[] src, int off) {
            long base = 2L * pos * width;
            for (int i = 0; i < width; i++) data.set(JAVA_SHORT_UNALIGNED, base + 2L * i, Float.floatToFloat16(src[off + i]));
        }

        public void read(int pos, int col, int n, float[] dst, int dstOff) {
            VectorMath.float16ToFloat(data, 2L * ((long) pos * width + col), dst, dstOff, n);
        }

        /**
         * Consecutive rows are one run of halves: a plain loop over it, which C2 compiles to the CPU's half-to-float
         * conversion (F16C), about four times faster than {@link VectorMath#float16ToFloat} (which the Vector API
         * has to spell out in integer operations) on runs of a few thousand; on one head's 64 values the loop's
         * scalar remainder took most of that back.
         */
        @Override
        public void readRows(int pos, int rows, float[] dst, int dstOff) {
            long base = 2L * pos * width;
            int n = rows * width;
            for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(data.get(JAVA_SHORT_UNALIGNED, base + 2L * i));
        }

        public MemorySegment storage() {
            return data;
        }

        public int width() {
            return width;
        }

        public long rowBytes() {
            return 2L * width;
        }

        public GgmlType encoding() {
            return GgmlType.F16;
        }
    }

    /** Q8_0 rows as ggml lays them out: per 32 values an f16 scale max|x|/127 and 32 int8 quants (34 bytes). */
    final class Q8 implements KvRows {
        static final int BLOCK = 32, BLOCK_BYTES = 34;
        private final int width;
        private final MemorySegment data;

        Q8(int width, MemorySegment data) {
            if (width % BLOCK != 0) throw new IllegalArgumentException("q8_0 cache row of " + width + " is not a whole number of blocks of 32");
            this.width = width;
            this.data = data;
        }

        private long block(int pos, int b) {
            return ((long) pos * (width / BLOCK) + b) * BLOCK_BYTES;
        }

        public void write(int pos, float[] src, int off) {
            for (int b = 0; b < width / BLOCK; b++) {
                float amax = 0;
                for (int i = 0; i < BLOCK; i++) amax = Math.max(amax, Math.abs(src[off + b * BLOCK + i]));
                float inverse = amax == 0 ? 0 : 127f / amax;
                long at = block(pos, b);
                data.set(JAVA_SHORT_UNALIGNED, at, Float.floatToFloat16(amax / 127f));
                for (int i = 0; i < BLOCK; i++) data.set(JAVA_BYTE, at + 2 + i, (byte) Math.rint(src[off + b * BLOCK + i] * inverse));
            }
        }

        public void read(int pos, int col, int n, float[] dst, int dstOff) {
            for (int i = 0; i < n; i++) {
                int c = col + i;
                long at = block(pos, c / BLOCK);
                dst[dstOff + i] = Float.float16ToFloat(data.get(JAVA_SHORT_UNALIGNED, at)) * data.get(JAVA_BYTE, at + 2 + c % BLOCK);
            }
        }

        /** Whole rows are whole blocks, one after another: a scale, then its 32 quants. */
        @Override
        public void readRows(int pos, int rows, float[] dst, int dstOff) {
            long blocks = (long) rows * (width / BLOCK), at = block(pos, 0);
            for (int b = 0; b < blocks; b++, at += BLOCK_BYTES) {
                float d = Float.float16ToFloat(data.get(JAVA_SHORT_UNALIGNED, at));
                int o = dstOff + b * BLOCK;
                for (int i = 0; i < BLOCK; i++) dst[o + i] = d * data.get(JAVA_BYTE, at + 2 + i);
            }
        }

        public MemorySegment storage() {
            return data;
        }

        public int width() {
            return width;
        }

        public long rowBytes() {
            return (long) (width / BLOCK) * BLOCK_BYTES;
        }

        public GgmlType encoding() {
            return GgmlType.Q8_0;
        }
    }
}
