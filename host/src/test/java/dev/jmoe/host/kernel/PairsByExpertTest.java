package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PairsByExpertTest {

    @Test
    void pairsComeOutPerExpertInPairOrder() {
        int[] pairExpert = {2, 0, 2, 3, 0, 2};
        PairsByExpert p = PairsByExpert.of(pairExpert, 5);
        int[][] want = {{1, 4}, {}, {0, 2, 5}, {3}, {}};
        for (int e = 0; e < want.length; e++) {
            assertEquals(want[e].length, p.count(e), "expert " + e);
            for (int j = 0; j < want[e].length; j++) assertEquals(want[e][j], p.pair(e, j), "expert " + e + " pair " + j);
        }
    }
}
