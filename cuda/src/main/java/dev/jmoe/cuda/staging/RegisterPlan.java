package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.AlignedMemory;
import dev.jmoe.host.mem.ByteSize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ranges {@code register} mode pins: each expert tensor rounded out to 2 MiB boundaries (never past the memory
 * known to be mapped around it), overlapping or touching ranges merged, then cut into chunks of at most
 * {@link #CHUNK_BYTES} at 2 MiB boundaries. Merging matters: the driver refuses to register a page twice, and
 * neighbouring tensors share pages. Every boundary is a multiple of 2 MiB except where a mapping ends first.
 */
public final class RegisterPlan {
    /** One driver call pins at most this much (bounded by what one JCuda pointer spans; a multiple of 2 MiB). */
    public static final long CHUNK_BYTES = ByteSize.GIB;
    private static final long ALIGN = AlignedMemory.ALIGNMENT;

    /** {@code [start, end)}. */
    public record Range(long start, long end) {
        public long bytes() {
            return end - start;
        }
    }

    private RegisterPlan() {}

    public static List<Range> of(List<ExpertTensor> tensors) {
        List<long[]> spans = new ArrayList<>(); // start, end, boundsStart, boundsEnd
        for (ExpertTensor t : tensors) {
            long start = Math.max(t.boundsStart(), ByteSize.roundDown(t.address(), ALIGN));
            long end = Math.min(t.boundsEnd(), ByteSize.roundUp(t.address() + t.bytes(), ALIGN));
            spans.add(new long[] {start, end});
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        List<Range> merged = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (long[] s : spans) {
            if (start >= 0 && s[0] <= end) {
                end = Math.max(end, s[1]);
                continue;
            }
            if (start >= 0) merged.add(new Range(start, end));
            start = s[0];
            end = s[1];
        }
        if (start >= 0) merged.add(new Range(start, end));
        List<Range> chunks = new ArrayList<>();
        for (Range r : merged) chunk(r, chunks);
        return chunks;
    }

    private static void chunk(Range r, List<Range> out) {
        long at = r.start();
        while (at < r.end()) {
            long next = Math.min(r.end(), ByteSize.roundDown(at + CHUNK_BYTES, ALIGN));
            if (next <= at) next = Math.min(r.end(), at + CHUNK_BYTES);
            out.add(new Range(at, next));
            at = next;
        }
    }
}
