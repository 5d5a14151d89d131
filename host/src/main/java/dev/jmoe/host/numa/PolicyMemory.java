package dev.jmoe.host.numa;

import dev.jmoe.host.mem.ByteSize;
import dev.jmoe.host.mem.MemInfo;
import dev.jmoe.host.mem.Mman;
import dev.jmoe.host.mem.NativeCallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Zeroed anonymous memory whose pages are allocated where a memory policy says: the policy is set while
 * no page exists, then every page is written once, so each lands on its node now rather than at some
 * first touch in the middle of decoding (and a later report sees where). The memory is unmapped when the
 * segment becomes unreachable. Used for the KV cache; the tensors have their own regions ({@link PlacedRegion}).
 */
public final class PolicyMemory {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyMemory.class);

    private PolicyMemory() {}

    /**
     * {@code bytes} of zeroed memory placed as {@code policy} says ({@code DEFAULT}: the thread's policy,
     * nothing is set). Refuses, naming {@code what}, when MemAvailable is smaller; a refused policy call
     * leaves the pages to the thread's policy with one warning.
     */
    public static MemorySegment allocate(long bytes, MemPolicy.Policy policy, String what) {
        long length = ByteSize.roundUp(Math.max(bytes, 1), Mman.PAGE_SIZE);
        long available = MemInfo.availableBytes();
        if (length > available) {
            throw new NumaPlacementException(what + " needs " + ByteSize.format(length) + " but only " + ByteSize.format(available)
                    + " of memory is available (MemAvailable)");
        }
        long address = Mman.mmap(length, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        if (policy.mode() != MemPolicy.Mode.DEFAULT) {
            try {
                MemPolicy.mbind(address, length, policy);
            } catch (NativeCallException e) {
                LOG.warn("{}: {}; its pages follow the thread's policy", what, e.getMessage());
            }
        }
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(length, Arena.ofAuto(), s -> Mman.munmap(address, length));
        segment.fill((byte) 0);   // the first touch of every page, under the policy just set
        return segment.asSlice(0, bytes);
    }
}
