package dev.jmoe.host.mem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Allocates the anonymous memory a copy goes into, honouring the requested page kind and falling
 * back 1g → 2m → thp → 4 KiB when a kind cannot be had: one warning line per step, recorded in the
 * caller's list. Running short of huge pages never fails the allocation; only 4 KiB pages can.
 */
final class AnonymousMemory {
    private static final Logger LOG = LoggerFactory.getLogger(AnonymousMemory.class);
    private static final int READ_WRITE = Mman.PROT_READ | Mman.PROT_WRITE;

    private final HugePageAvailability pools;
    private final String thpSetting;

    AnonymousMemory(HugePageAvailability pools, String thpSetting) {
        this.pools = pools;
        this.thpSetting = thpSetting;
    }

    static AnonymousMemory system() {
        return new AnonymousMemory(HugePageAvailability.system(), TransparentHugePages.setting());
    }

    /** The memory and the mode it got. */
    record Allocation(NativeMapping mapping, LoadMode mode) {}

    Allocation allocate(long bytes, HugePageMode wanted, List<String> fallbacks) {
        Allocation a = allocateWithFallback(bytes, wanted, fallbacks);
        populate(a.mapping());
        return a;
    }

    /**
     * Faults the pages in with one madvise instead of one page fault per 4 KiB page during the copy
     * (on a 1 GiB copy to 4 KiB pages that is 262,144 faults). On THP ranges this comes after
     * MADV_HUGEPAGE, so the pages it allocates are huge ones. Older kernels lack it: then the copy
     * faults the pages in as before.
     */
    private static void populate(NativeMapping mapping) {
        try {
            Mman.madvise(mapping.address(), mapping.length(), Mman.MADV_POPULATE_WRITE);
        } catch (NativeCallException e) {
            LOG.debug("MADV_POPULATE_WRITE not applied: {}", e.getMessage());
        }
    }

    private Allocation allocateWithFallback(long bytes, HugePageMode wanted, List<String> fallbacks) {
        for (HugePageMode kind = wanted; ; kind = kind.fallback()) {
            if (kind == HugePageMode.OFF) {
                return new Allocation(NativeMapping.map(bytes, READ_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0),
                        LoadMode.ANON_4K);
            }
            String refusal;
            try {
                NativeMapping m = kind == HugePageMode.THP ? transparent(bytes) : hugetlb(kind, bytes);
                return new Allocation(m, kind.mode());
            } catch (Refused r) {
                refusal = r.getMessage();
            }
            String line = refusal + "; falling back to " + nameOf(kind.fallback());
            LOG.warn(line);
            fallbacks.add(line);
        }
    }

    private NativeMapping hugetlb(HugePageMode kind, long bytes) throws Refused {
        var shortfall = pools.shortfall(kind, bytes);
        if (shortfall.isPresent()) {
            throw new Refused(shortfall.get());
        }
        int sizeFlag = kind == HugePageMode.GB1 ? Mman.MAP_HUGE_1GB : Mman.MAP_HUGE_2MB;
        long length = ByteSize.roundUp(bytes, kind.pageBytes()); // hugetlb lengths are whole pages
        try {
            return NativeMapping.map(length, READ_WRITE,
                    Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_HUGETLB | sizeFlag, -1, 0);
        } catch (NativeCallException e) {
            // The pool can shrink between the sysfs read and mmap, or be held by a cgroup limit.
            throw new Refused(kind.flag() + ": " + e.getMessage());
        }
    }

    private NativeMapping transparent(long bytes) throws Refused {
        if (!TransparentHugePages.usable(thpSetting)) {
            throw new Refused("thp: transparent_hugepage/enabled is '" + thpSetting + "', the kernel will not use huge pages");
        }
        long length = ByteSize.roundUp(bytes, HugePageMode.THP.pageBytes());
        NativeMapping m = NativeMapping.mapAnonymousAligned(length, HugePageMode.THP.pageBytes(), READ_WRITE, Mman.MAP_PRIVATE);
        try {
            Mman.madvise(m.address(), m.length(), Mman.MADV_HUGEPAGE);
            return m;
        } catch (NativeCallException e) {
            m.close();
            throw new Refused("thp: " + e.getMessage());
        }
    }

    private static String nameOf(HugePageMode kind) {
        return kind == HugePageMode.OFF ? "4 KiB pages" : kind.flag();
    }

    /** A page kind that cannot be had; the message says why. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
