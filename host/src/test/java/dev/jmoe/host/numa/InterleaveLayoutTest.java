package dev.jmoe.host.numa;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InterleaveLayoutTest {
    @Test
    void pagesGoRoundRobinByVirtualPageNumber() {
        // Page number 5 (address 0x5000) over 2 nodes: 5 mod 2 = 1, so node 1 first.
        assertEquals(1, InterleaveLayout.nodeOfPage(0x5000, List.of(0, 1)));
        assertEquals(0, InterleaveLayout.nodeOfPage(0x6000, List.of(0, 1)));
        // Over nodes {1, 3, 7}: page 4 -> 4 mod 3 = 1 -> the second node, 3.
        assertEquals(3, InterleaveLayout.nodeOfPage(0x4000, List.of(1, 3, 7)));
    }

    @Test
    void bytesPerNodeCountWholeRoundsAndTheTail() {
        // 5 pages from page 5 over 2 nodes: pages 5,7,9 on node 1, 6,8 on node 0; the last page (9) holds 100 bytes.
        assertEquals(Map.of(1, 2 * 4096L + 100, 0, 2 * 4096L), InterleaveLayout.bytesByNode(0x5000, 4 * 4096 + 100, List.of(0, 1)));
        // 8 pages from page 0 over 4 nodes: 2 pages each.
        assertEquals(Map.of(0, 8192L, 1, 8192L, 2, 8192L, 3, 8192L), InterleaveLayout.bytesByNode(0, 8 * 4096, List.of(0, 1, 2, 3)));
    }
}
