package dev.jmoe.host.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The packed sub-block scales of the K quants.
 *
 * <p>Q4_K and Q5_K keep eight 6-bit (scale, min) pairs in 12 bytes: pairs 0–3 are the low six bits of
 * bytes 0–3 (scales) and 4–7 (mins); pairs 4–7 take their low four bits from the nibbles of bytes 8–11
 * and their top two bits from the spare top bits of bytes 0–7. Q3_K keeps sixteen 6-bit scales (stored
 * with an offset of 32) in 12 bytes: low nibbles from bytes 0–7 (low nibble first, then high), top two
 * bits from bytes 8–11, two bits per scale, in groups of four.
 */
final class KScales {
    private KScales() {}

    /** Q4_K/Q5_K scale of sub-block {@code j} (0..7); {@code p} is the offset of the 12 scale bytes. */
    static int scale(MemorySegment s, long p, int j) {
        if (j < 4) return Bytes.u8(s, p + j) & 63;
        return (Bytes.u8(s, p + j + 4) & 0xF) | ((Bytes.u8(s, p + j - 4) >>> 6) << 4);
    }

    /** Q4_K/Q5_K min of sub-block {@code j} (0..7). */
    static int min(MemorySegment s, long p, int j) {
        if (j < 4) return Bytes.u8(s, p + j + 4) & 63;
        return (Bytes.u8(s, p + j + 4) >>> 4) | ((Bytes.u8(s, p + j) >>> 6) << 4);
    }

    /** Q3_K signed scale of sub-block {@code i} (0..15, 16 elements each), offset removed: -32..31. */
    static int q3Scale(MemorySegment s, long p, int i) {
        int low = i < 8 ? Bytes.u8(s, p + i) & 0xF : Bytes.u8(s, p + i - 8) >>> 4;
        int high = (Bytes.u8(s, p + 8 + (i & 3)) >>> (2 * (i >>> 2))) & 3;
        return (low | (high << 4)) - 32;
    }

    // The same unpacking four pairs at a time, from the 12 bytes read as a little-endian long (bytes 0–7)
    // and int (bytes 8–11): each result holds sub-blocks j..j+3 in its bytes, lowest first.

    static int scales0to3(long packed) {
        return (int) packed & 0x3F3F3F3F;
    }

    static int mins0to3(long packed) {
        return (int) (packed >>> 32) & 0x3F3F3F3F;
    }

    static int scales4to7(long packed, int packedHigh) {
        return (packedHigh & 0x0F0F0F0F) | (((int) (packed >>> 6) & 0x03030303) << 4);
    }

    static int mins4to7(long packed, int packedHigh) {
        return ((packedHigh >>> 4) & 0x0F0F0F0F) | (((int) (packed >>> 38) & 0x03030303) << 4);
    }

    /** {@link #q3Scale} from the 12 scale bytes read as a little-endian long (bytes 0–7) and int (bytes 8–11). */
    static int q3Scale(long low, int high, int i) {
        int lowBits = (int) (low >>> (8 * (i & 7) + 4 * (i >>> 3))) & 0xF;
        int highBits = (high >>> (8 * (i & 3) + 2 * (i >>> 2))) & 3;
        return (lowBits | (highBits << 4)) - 32;
    }

    /** The eight Q4_K/Q5_K mins as the bytes of a long, sub-block 0 lowest. */
    static long mins(long packed, int packedHigh) {
        return (mins0to3(packed) & 0xFFFFFFFFL) | ((long) mins4to7(packed, packedHigh) << 32);
    }
}
