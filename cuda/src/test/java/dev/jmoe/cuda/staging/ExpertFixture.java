package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.AlignedMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-in for a mapped model: real 2 MiB-aligned memory holding expert tensors back to back from {@code start},
 * each byte a function of (tensor, expert, offset), so a test can tell which expert's bytes arrived where.
 */
final class ExpertFixture implements AutoCloseable {
    final AlignedMemory memory;
    final List<ExpertTensor> tensors = new ArrayList<>();

    /** {@code shapes[i] = {expertBytes, experts}}; tensors start at {@code start} bytes into the memory. */
    ExpertFixture(long start, long[]... shapes) {
        long total = start;
        for (long[] s : shapes) total += s[0] * s[1];
        memory = AlignedMemory.allocate(total);
        MemorySegment all = memory.segment();
        long at = start;
        for (int t = 0; t < shapes.length; t++) {
            long expertBytes = shapes[t][0];
            int experts = (int) shapes[t][1];
            MemorySegment data = all.asSlice(at, expertBytes * experts);
            for (int e = 0; e < experts; e++) {
                for (long i = 0; i < expertBytes; i += 4096) data.set(ValueLayout.JAVA_BYTE, e * expertBytes + i, mark(t, e, i));
            }
            tensors.add(ExpertTensor.of("blk." + t + ".ffn_up_exps", data, experts, all));
            at += expertBytes * experts;
        }
    }

    /** The byte at {@code offset} (a multiple of 4096) of expert {@code e} of tensor {@code t}. */
    static byte mark(int t, int e, long offset) {
        return (byte) (31 * t + 7 * e + offset / 4096 + 1);
    }

    /** Whether {@code device[at ..]} holds expert {@code e} of tensor {@code t} (checked once per 4 KiB). */
    boolean holds(MemorySegment device, long at, int t, int e) {
        long bytes = tensors.get(t).expertBytes();
        for (long i = 0; i < bytes; i += 4096) {
            if (device.get(ValueLayout.JAVA_BYTE, at + i) != mark(t, e, i)) return false;
        }
        return true;
    }

    @Override
    public void close() {
        memory.close();
    }
}
