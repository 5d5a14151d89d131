package dev.jmoe.host.numa;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Where pages actually are: {@code move_pages} with no target nodes moves nothing and returns, per
 * page, the node holding it (or a negative errno, e.g. -ENOENT for a page not yet faulted in). A big
 * range is sampled: at most {@code maxSamples} pages evenly spaced, each standing for an equal share
 * of the range's bytes.
 */
public final class PageLocator {
    /** The key under which bytes of pages that are not present (never touched, or swapped out) are counted. */
    public static final int NOT_PRESENT = -1;
    public static final int DEFAULT_SAMPLES = 1024;
    private static final long PAGE = 4096;

    private PageLocator() {}

    /** Bytes of {@code [address, address + length)} per node, sampling at most {@code maxSamples} pages. */
    public static Map<Integer, Long> bytesByNode(long address, long length, int maxSamples) {
        if (length <= 0) return Map.of();
        long first = address & -PAGE;
        long pages = (address + length - first + PAGE - 1) / PAGE;
        int samples = (int) Math.min(pages, Math.max(1, maxSamples));
        int[] nodes = nodesOf(first, pages, samples);
        Map<Integer, Long> bytes = new TreeMap<>();
        for (int i = 0; i < samples; i++) {
            // Equal shares that add up to exactly length (the first length % samples get one byte more).
            long share = length / samples + (i < length % samples ? 1 : 0);
            int node = nodes[i] >= 0 ? nodes[i] : NOT_PRESENT;
            bytes.merge(node, share, Long::sum);
        }
        return bytes;
    }

    /**
     * Bytes of the present pages of {@code [address, address + length)} per node, asking for every page:
     * for a range that is mostly reserved but not backed (the Java heap), where a sample would mostly
     * meet absent pages.
     */
    public static Map<Integer, Long> presentBytesByNode(long address, long length) {
        Map<Integer, Long> bytes = new TreeMap<>();
        long first = address & -PAGE;
        long pages = (address + length - first + PAGE - 1) / PAGE;
        for (long from = 0; from < pages; from += CHUNK) {
            int count = (int) Math.min(CHUNK, pages - from);
            int[] nodes = nodesOf(first + from * PAGE, count, count);
            for (int node : nodes) if (node >= 0) bytes.merge(node, PAGE, Long::sum);
        }
        return bytes;
    }

    /** Pages asked for per move_pages call when every page is wanted. */
    private static final int CHUNK = 1 << 16;

    /** The node (or negative errno) of {@code samples} pages spread evenly over {@code pages} pages from {@code first}. */
    private static int[] nodesOf(long first, long pages, int samples) {
        String call = "move_pages(pid=0, count=" + samples + ", nodes=NULL) from 0x" + Long.toHexString(first);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addresses = arena.allocate(JAVA_LONG, samples);
            MemorySegment status = arena.allocate(JAVA_INT, samples);
            for (int i = 0; i < samples; i++) {
                long page = pages * i / samples;
                addresses.setAtIndex(JAVA_LONG, i, first + page * PAGE);
            }
            Syscalls.call(call, Syscalls.MOVE_PAGES, 0L, samples, addresses.address(), 0L, status.address(), 0L);
            int[] nodes = new int[samples];
            for (int i = 0; i < samples; i++) nodes[i] = status.getAtIndex(JAVA_INT, i);
            return nodes;
        }
    }
}
