package dev.jmoe.host.kernel;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The plainest possible streaming read: a vectorized sum of 64-bit words. What the machine's read
 * bandwidth is, as a Java kernel sees it, is what the matvec kernels are measured against.
 */
public final class StreamRead {
    private StreamRead() {}

    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static final int STEP = 4 * L.vectorByteSize();

    /** Sum of the 64-bit words of {@code s[from, to)} (wrapping); the value only keeps the reads alive. */
    public static long sum(MemorySegment s, long from, long to) {
        LongVector a0 = LongVector.zero(L), a1 = LongVector.zero(L), a2 = LongVector.zero(L), a3 = LongVector.zero(L);
        long i = from;
        for (; i + STEP <= to; i += STEP) {
            a0 = a0.add(LongVector.fromMemorySegment(L, s, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(L, s, i + L.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(L, s, i + 2L * L.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(L, s, i + 3L * L.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
        }
        long sum = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i + 8 <= to; i += 8) sum += s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        for (; i < to; i++) sum += s.get(ValueLayout.JAVA_BYTE, i);
        return sum;
    }
}
