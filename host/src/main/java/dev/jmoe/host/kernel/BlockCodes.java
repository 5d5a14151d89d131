package dev.jmoe.host.kernel;

/**
 * One quantized block decoded to integers: element i of group g is {@code d·scale[g]·q[i] − dmin·min[g]}.
 *
 * <p>Every block type fits this form (Q4_0: one group, scale 1, q already offset by −8; Q4_1: scale 1,
 * min 1, dmin = −m), so the reference dequantization and the reference integer dot product share one
 * decoder per layout. A mutable scratch object, reused block after block; not for hot paths.
 */
final class BlockCodes {
    final int[] q = new int[256];
    final int[] scale = new int[16];
    final int[] min = new int[16];
    int elements;
    int groupSize;
    float d;
    float dmin;

    void shape(int elements, int groupSize) {
        this.elements = elements;
        this.groupSize = groupSize;
    }

    int groups() {
        return elements / groupSize;
    }

    /** The dequantized element i. */
    float value(int i) {
        int g = i / groupSize;
        return d * scale[g] * q[i] - dmin * min[g];
    }
}
