package dev.jmoe.host.mem;

import dev.jmoe.host.numa.MemPolicy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;

/**
 * Anonymous read-write memory whose start and length are multiples of 2 MiB, asked for transparent huge pages
 * and faulted in up front: the host side of pinned staging buffers. 2 MiB alignment lets THP back every page
 * and keeps two registrations from ever sharing a page (the driver refuses a page registered twice).
 */
public final class AlignedMemory implements AutoCloseable {
    public static final long ALIGNMENT = 2 * ByteSize.MIB;
    private static final Logger LOG = LoggerFactory.getLogger(AlignedMemory.class);
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;

    private final NativeMapping mapping;

    private AlignedMemory(NativeMapping mapping) {
        this.mapping = mapping;
    }

    /** At least {@code bytes}, rounded up to 2 MiB; throws {@link NativeCallException} when mmap refuses. */
    public static AlignedMemory allocate(long bytes) {
        return allocate(bytes, null);
    }

    /**
     * As {@link #allocate(long)}, the pages placed by {@code policy} (null: the thread's own), which is applied
     * before they are faulted in, so they exist where it says (e.g. on the node nearest a GPU).
     */
    public static AlignedMemory allocate(long bytes, MemPolicy.Policy policy) {
        if (bytes <= 0) throw new IllegalArgumentException("aligned allocation of " + bytes + " bytes");
        long length = ByteSize.roundUp(bytes, ALIGNMENT);
        NativeMapping m = NativeMapping.mapAnonymousAligned(length, ALIGNMENT, READ_WRITE, Mman.MAP_PRIVATE);
        if (policy != null && policy.mode() != MemPolicy.Mode.DEFAULT) {
            try {
                MemPolicy.mbind(m.address(), m.length(), policy);
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        advise(m, Mman.MADV_HUGEPAGE, "MADV_HUGEPAGE");
        advise(m, Mman.MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE");
        return new AlignedMemory(m);
    }

    /** Hints only: without THP or on kernels before 5.14 the memory works, on small pages or faulted lazily. */
    private static void advise(NativeMapping m, int advice, String name) {
        try {
            Mman.madvise(m.address(), m.length(), advice);
        } catch (NativeCallException e) {
            LOG.debug("{} not applied: {}", name, e.getMessage());
        }
    }

    public long address() {
        return mapping.address();
    }

    public long length() {
        return mapping.length();
    }

    public MemorySegment segment() {
        return mapping.segment();
    }

    @Override
    public void close() {
        mapping.close();
    }
}
