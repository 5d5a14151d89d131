package dev.jmoe.host.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExpertRunsTest {
    private static ExpertRuns.Run run(int first, int count) {
        return new ExpertRuns.Run(first, count);
    }

    @Test
    void consecutiveIdsFormOneRunInAscendingOrderWhateverTheRoutingOrder() {
        // Two tokens × 3 experts each, of 16: ids {2,3,4,9,15} with 3 repeated.
        int[] routed = {9, 3, 2, 15, 4, 3};
        assertEquals(List.of(run(2, 3), run(9, 1), run(15, 1)), ExpertRuns.of(routed, 16));
        assertEquals(5, ExpertRuns.experts(ExpertRuns.of(routed, 16)));
    }

    @Test
    void runsTouchTheEnds() {
        assertEquals(List.of(run(0, 2), run(6, 2)), ExpertRuns.of(new int[] {7, 0, 1, 6}, 8));
    }

    @Test
    void sevenEighthsOrMoreUsedUploadsAllAsOneRun() {
        // 16 experts: 14 used (= 7/8) → one run of 16; 13 used → the real runs.
        int[] fourteen = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 15};
        assertEquals(List.of(run(0, 16)), ExpertRuns.of(fourteen, 16));
        int[] thirteen = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13};
        assertEquals(List.of(run(0, 7), run(8, 6)), ExpertRuns.of(thirteen, 16));
    }

    @Test
    void idsOutsideTheLayerAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExpertRuns.of(new int[] {1, 8}, 8));
        assertEquals("routed expert 8 of 8", e.getMessage());
    }
}
