package dev.jmoe.host.kernel;

/**
 * One activation row prepared for dot products with weight rows of a given {@link ActivationFormat}.
 *
 * <p>For F32, {@link #values} holds the floats. For Q8_2/Q8_K it holds the int8 quants as floats (exact:
 * the kernels multiply them with weight quants in float lanes, where every partial sum of a block stays an
 * exact integer below 2^24; {@link #quant} reads one as an integer), {@link #scales} one scale per block,
 * and {@link #sums} the sum of the quants per 32 (Q8_2) or per 16 (Q8_K) elements, for the weights' min
 * terms. Built by {@link ActivationQuantizer}; reused across calls.
 *
 * <p>Q8_2 and Q8_K rows also hold the quants in {@link #lanes} order, for kernels that read weight bytes four to an
 * int lane: within each 32 elements, slot {@code 8·k + i} holds element {@code 4·i + k} times 2^(−8k). A
 * kernel masks byte k of each int lane in place (a field worth v·2^(8k) as an int) instead of shifting it
 * down, and the power of two cancels exactly in the product. {@link #scaledSums16} holds, per 16 elements,
 * the block scale times the sum of the quants (exact in float), for weight types with an offset per
 * 16-element scale (Q6_K's −32).
 *
 * <p>Q8_2 and Q8_K rows also hold {@link #lanes16}, the order of the 16-int-lane kernels: per 64 elements, the two
 * 32-element halves' {@link #lanes} side by side for each byte k, so that slot {@code 16·k + 8·h + i} holds
 * element {@code 32·h + 4·i + k} times 2^(−8k). Lanes 0–7 of a 512-bit load then meet the first half and
 * lanes 8–15 the second, which is how a Q4_K chunk's low and high nibbles, or a Q6_K half's two 32-byte
 * stripes, or two of a Q2_K/Q3_K half's four 2-bit fields, fill one vector.
 */
public final class Activation {
    final ActivationFormat format;
    final int n;
    final float[] values;
    final float[] scales;
    final float[] sums;
    final float[] lanes;
    final float[] lanes16;
    final float[] scaledSums16;
    /**
     * The values as floats (quant × scale, element order) for {@link DenseTiles}; filled on demand, and
     * then possibly alone ({@link ActivationQuantizer#prepare}).
     */
    float[] dense;

    /** An empty activation of {@code n} elements (a multiple of the format's block size). */
    public Activation(ActivationFormat format, int n) {
        if (n % format.blockSize != 0) {
            throw new IllegalArgumentException(n + " activations is not a whole number of " + format
                    + " blocks of " + format.blockSize);
        }
        this.format = format;
        this.n = n;
        this.values = new float[n];
        boolean quantized = format != ActivationFormat.F32;
        this.scales = quantized ? new float[n / format.blockSize] : new float[0];
        this.sums = quantized ? new float[n / format.sumGroup()] : new float[0];
        this.lanes = quantized ? new float[n] : new float[0];
        this.lanes16 = quantized ? new float[n] : new float[0];
        this.scaledSums16 = format == ActivationFormat.Q8_2 ? new float[n / 16] : new float[0];
    }

    public ActivationFormat format() {
        return format;
    }

    public int length() {
        return n;
    }

    /** The value the kernels see at element i: the float, or scale × quant. */
    public float value(int i) {
        return format == ActivationFormat.F32 ? values[i] : scales[i / format.blockSize] * values[i];
    }

    /** The int8 quant at element i of a quantized row. */
    int quant(int i) {
        return (int) values[i];
    }
}
