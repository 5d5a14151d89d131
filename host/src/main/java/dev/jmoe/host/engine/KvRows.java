package dev.jmoe.host.engine;

/**
 * One layer's keys or values: a row per position, {@code width} floats wide (all kv heads side by side),
 * stored in a {@link CacheType}. Attention reads it a head at a time through {@link #dot} and
 * {@link #addScaled}, so no format has to be widened to floats first.
 */
public sealed interface KvRows {
    /** Stores {@code src[off .. off + width)} as row {@code pos}, rounded to the storage type. */
    void write(int pos, float[] src, int off);

    /** Σ row[pos][col + i] · q[qOff + i] for i below n. */
    float dot(int pos, int col, float[] q, int qOff, int n);

    /** acc[accOff + i] += w · row[pos][col + i] for i below n. */
    void addScaled(int pos, int col, float w, float[] acc, int accOff, int n);

    public final class F32 implements KvRows {
        private final int width;
        private final float[] data;

        F32(int rows, int width) {
            this.width = width;
            this.data = new float[Math.multiplyExact(rows, width)];
        }

        public void write(int pos, float[] src, int off) {
            System.arraycopy(src, off, data, pos * width, width);
        }

        public float dot(int pos, int col, float[] q, int qOff, int n) {
            int base = pos * width + col;
            float s = 0;
            for (int i = 0; i < n; i++) s += data[base + i] * q[qOff + i];
            return s;
        }

        public void addScaled(int pos, int col, float w, float[] acc, int accOff, int n) {
            int base = pos * width + col;
            for (int i = 0; i < n; i++) acc[accOff + i] += w * data[base + i];
        }
    }

    public final class F16 implements KvRows {
        private final int width;
        private final short[] data;

        F16(int rows, int width) {
            this.width = width;
            this.data = new short[Math.multiplyExact(rows, width)];
        }

        public void write(int pos, float[] src, int off) {
            int base = pos * width;
            for (int i = 0; i < width; i++) data[base + i] = Float.floatToFloat16(src[off + i]);
        }

        public float dot(int pos, int col, float[] q, int qOff, int n) {
            int base = pos * width + col;
            float s = 0;
            for (int i = 0; i < n; i++) s += Float.float16ToFloat(data[base + i]) * q[qOff + i];
            return s;
        }

        public void addScaled(int pos, int col, float w, float[] acc, int accOff, int n) {
            int base = pos * width + col;
            for (int i = 0; i < n; i++) acc[accOff + i] += w * Float.float16ToFloat(data[base + i]);
        }
    }

    /** Q8_0 rows: per 32 values a scale max|x|/127 (kept at f16 precision) and int8 quants. */
    public final class Q8 implements KvRows {
        private final int width;
        private final byte[] quants;
        private final float[] scales;

        Q8(int rows, int width) {
            if (width % 32 != 0) throw new IllegalArgumentException("q8_0 cache row of " + width + " is not a whole number of blocks of 32");
            this.width = width;
            this.quants = new byte[Math.multiplyExact(rows, width)];
            this.scales = new float[Math.multiplyExact(rows, width / 32)];
        }

        public void write(int pos, float[] src, int off) {
            for (int b = 0; b < width / 32; b++) {
                float amax = 0;
                for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(src[off + b * 32 + i]));
                float d = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
                float inverse = amax == 0 ? 0 : 127f / amax;
                scales[pos * (width / 32) + b] = d;
                for (int i = 0; i < 32; i++) quants[pos * width + b * 32 + i] = (byte) Math.rint(src[off + b * 32 + i] * inverse);
            }
        }

        private float value(int pos, int i) {
            return scales[pos * (width / 32) + i / 32] * quants[pos * width + i];
        }

        public float dot(int pos, int col, float[] q, int qOff, int n) {
            float s = 0;
            for (int i = 0; i < n; i++) s += value(pos, col + i) * q[qOff + i];
            return s;
        }

        public void addScaled(int pos, int col, float w, float[] acc, int accOff, int n) {
            for (int i = 0; i < n; i++) acc[accOff + i] += w * value(pos, col + i);
        }
    }
}
