package dev.jmoe.host.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One bench test's upload figures are the difference of two readings of the running totals. */
class TransferTotalsTest {

    @Test
    void aTestsFiguresAreTheDifferenceOfTwoReadings() {
        TransferTotals before = new TransferTotals(1_000_000_000L, 0.5, 10, 30);
        TransferTotals after = new TransferTotals(13_700_000_000L, 1.5, 70, 50);
        TransferTotals test = after.minus(before);
        assertEquals(new TransferTotals(12_700_000_000L, 1.0, 60, 20), test);
        assertEquals(12.7, test.gbPerSecond(), 1e-12);
        assertEquals(0.75, test.hitRate(), 1e-12);
    }

    @Test
    void nothingMovedIsZeroNotNaN() {
        TransferTotals none = new TransferTotals(0, 0, 0, 0);
        assertEquals(0, none.gbPerSecond());
        assertEquals(0, none.hitRate());
    }
}
