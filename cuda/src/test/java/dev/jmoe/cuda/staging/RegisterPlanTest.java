package dev.jmoe.cuda.staging;

import dev.jmoe.cuda.staging.RegisterPlan.Range;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Plans over made-up addresses: the plan is arithmetic, nothing is touched. */
class RegisterPlanTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long BASE = 0x7f00_0000_0000L; // 2 MiB aligned

    private static ExpertTensor tensor(long address, long expertBytes, int experts, long boundsStart, long boundsEnd) {
        return new ExpertTensor("t", address, expertBytes, experts, boundsStart, boundsEnd);
    }

    @Test
    void aTensorIsRoundedOutToTwoMibInsideItsMapping() {
        // 3 × 1 MiB from BASE + 1.5 MiB, inside a mapping BASE .. BASE + 64 MiB: pinned BASE .. BASE + 6 MiB.
        var t = tensor(BASE + 3 * MIB / 2, MIB, 3, BASE, BASE + 64 * MIB);
        assertEquals(List.of(new Range(BASE, BASE + 6 * MIB)), RegisterPlan.of(List.of(t)));
    }

    @Test
    void roundingStopsAtTheEdgesOfTheMapping() {
        // Mapping starts 4 KiB past a 2 MiB boundary and ends mid-page-run: the edges are the mapping's.
        long start = BASE + 4096;
        var t = tensor(start + 8192, MIB, 2, start, BASE + 3 * MIB);
        assertEquals(List.of(new Range(start, BASE + 3 * MIB)), RegisterPlan.of(List.of(t)));
    }

    @Test
    void neighboursSharingAHugePageAreRegisteredOnceAndDistantOnesApart() {
        long end = BASE + 256 * MIB;
        var gate = tensor(BASE + 100, 3 * MIB, 1, BASE, end);          // BASE .. +4 MiB
        var up = tensor(BASE + 3 * MIB + 100, 2 * MIB, 1, BASE, end);    // +2 .. +6 MiB: overlaps gate's last page
        var far = tensor(BASE + 100 * MIB + 5, MIB, 1, BASE, end);       // +100 .. +102 MiB
        assertEquals(List.of(new Range(BASE, BASE + 6 * MIB), new Range(BASE + 100 * MIB, BASE + 102 * MIB)),
                RegisterPlan.of(List.of(far, up, gate)));
    }

    @Test
    void longRangesAreChunkedAtOneGibBoundaries() {
        // 2.5 GiB of experts from BASE + 1 MiB: rounded BASE .. BASE + 2.5 GiB + 2 MiB, cut at 1 GiB multiples.
        var t = tensor(BASE + MIB, 5 * GIB / 2, 1, BASE, BASE + 4 * GIB);
        assertEquals(List.of(new Range(BASE, BASE + GIB), new Range(BASE + GIB, BASE + 2 * GIB),
                new Range(BASE + 2 * GIB, BASE + 5 * GIB / 2 + 2 * MIB)), RegisterPlan.of(List.of(t)));
    }
}
