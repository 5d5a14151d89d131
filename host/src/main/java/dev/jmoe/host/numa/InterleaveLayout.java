package dev.jmoe.host.numa;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where MPOL_INTERLEAVE puts the pages of an anonymous range: the kernel picks, for the page at
 * virtual page number {@code vpn}, the {@code (vpn mod n)}-th node of the policy's n nodes (for an
 * anonymous mapping a page's offset in its VMA counts from address 0). Transparent huge pages move in
 * 2 MiB steps instead; our regions use 4 KiB pages unless THP is set to "always".
 */
public final class InterleaveLayout {
    private static final long PAGE = 4096;

    private InterleaveLayout() {}

    /** The node page-aligned {@code address} lands on under interleave over {@code nodes} (ascending). */
    public static int nodeOfPage(long address, List<Integer> nodes) {
        return nodes.get((int) Long.remainderUnsigned(address / PAGE, nodes.size()));
    }

    /** The bytes of {@code [address, address + length)} each node receives; page-aligned start. */
    public static Map<Integer, Long> bytesByNode(long address, long length, List<Integer> nodes) {
        if (address % PAGE != 0) throw new IllegalArgumentException("interleaved ranges start on a page: 0x" + Long.toHexString(address));
        Map<Integer, Long> bytes = new TreeMap<>();
        long pages = (length + PAGE - 1) / PAGE;
        int n = nodes.size();
        long firstVpn = address / PAGE;
        // Whole rounds of n pages give every node the same; the last partial round goes in order from firstVpn.
        for (int k = 0; k < n; k++) {
            long count = pages / n + (k < pages % n ? 1 : 0);
            if (count == 0) continue;
            int node = nodeOfPage((firstVpn + k) * PAGE, nodes);
            bytes.merge(node, count * PAGE, Long::sum);
        }
        // The last page holds only what is left of length.
        long tail = pages * PAGE - length;
        if (tail > 0) bytes.merge(nodeOfPage((firstVpn + pages - 1) * PAGE, nodes), -tail, Long::sum);
        return bytes;
    }
}
