package dev.jmoe.host.numa;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernel's NUMA memory policies: {@code mbind} for an address range, {@code set_mempolicy} and
 * {@code get_mempolicy} for the calling thread. A policy decides on which node a page is allocated
 * when it is first touched; pages already present stay where they are (we never pass MPOL_MF_MOVE:
 * placement happens before the first touch). Failures throw
 * {@link dev.jmoe.host.mem.NativeCallException} carrying the errno.
 */
public final class MemPolicy {
    /** Node masks cover nodes 0..1023, far beyond any machine (the kernel's MAX_NUMNODES is at most 1024). */
    static final int MASK_BITS = 1024;

    private MemPolicy() {}

    /** The policy modes of {@code <linux/mempolicy.h>}. */
    public enum Mode {
        DEFAULT(0), PREFERRED(1), BIND(2), INTERLEAVE(3), LOCAL(4);

        private final int code;

        Mode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        static Mode of(int code) {
            for (Mode m : values()) if (m.code == code) return m;
            throw new IllegalArgumentException("unknown memory policy mode " + code);
        }
    }

    /** A policy and the nodes it names (empty for DEFAULT and LOCAL). */
    public record Policy(Mode mode, List<Integer> nodes) {
        public Policy {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String toString() {
            return mode.name().toLowerCase(java.util.Locale.ROOT) + (nodes.isEmpty() ? "" : " " + nodes);
        }
    }

    /** Applies {@code policy} to the page-aligned range; pages not yet touched will follow it. */
    public static void mbind(long address, long length, Policy policy) {
        String call = "mbind(0x" + Long.toHexString(address) + ", " + length + ", " + policy + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = mask(arena, policy.nodes());
            Syscalls.call(call, Syscalls.MBIND, address, length, policy.mode().code(), maskAddress(mask, policy),
                    MASK_BITS + 1L, 0L);
        }
    }

    /** Sets the calling thread's policy: its later allocations (and threads it starts) follow it. */
    public static void setThreadPolicy(Policy policy) {
        String call = "set_mempolicy(" + policy + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = mask(arena, policy.nodes());
            Syscalls.call(call, Syscalls.SET_MEMPOLICY, policy.mode().code(), maskAddress(mask, policy), MASK_BITS + 1L);
        }
    }

    /** The calling thread's policy. */
    public static Policy threadPolicy() {
        return query("get_mempolicy()", 0L, 0L);
    }

    /** The policy of the range holding {@code address} (MPOL_F_ADDR). */
    public static Policy rangePolicy(long address) {
        return query("get_mempolicy(addr=0x" + Long.toHexString(address) + ")", address, 2L /* MPOL_F_ADDR */);
    }

    private static Policy query(String call, long address, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mode = arena.allocate(JAVA_INT);
            MemorySegment mask = arena.allocate(JAVA_LONG, MASK_BITS / 64);
            Syscalls.call(call, Syscalls.GET_MEMPOLICY, mode.address(), mask.address(), MASK_BITS, address, flags);
            // The kernel ORs mode flags (MPOL_F_STATIC_NODES...) into the high bits; we set none.
            return new Policy(Mode.of(mode.get(JAVA_INT, 0) & 0xffff), nodesOf(mask));
        }
    }

    /** DEFAULT and LOCAL take no mask (the kernel wants NULL or an empty one). */
    private static long maskAddress(MemorySegment mask, Policy policy) {
        return policy.nodes().isEmpty() ? 0L : mask.address();
    }

    static MemorySegment mask(Arena arena, Collection<Integer> nodes) {
        MemorySegment mask = arena.allocate(JAVA_LONG, MASK_BITS / 64);
        for (int node : nodes) {
            if (node < 0 || node >= MASK_BITS) throw new IllegalArgumentException("NUMA node " + node + " outside 0.." + (MASK_BITS - 1));
            long word = mask.getAtIndex(JAVA_LONG, node / 64);
            mask.setAtIndex(JAVA_LONG, node / 64, word | (1L << (node % 64)));
        }
        return mask;
    }

    static List<Integer> nodesOf(MemorySegment mask) {
        List<Integer> nodes = new ArrayList<>();
        for (int node = 0; node < MASK_BITS; node++) {
            if ((mask.getAtIndex(JAVA_LONG, node / 64) & (1L << (node % 64))) != 0) nodes.add(node);
        }
        return nodes;
    }
}
