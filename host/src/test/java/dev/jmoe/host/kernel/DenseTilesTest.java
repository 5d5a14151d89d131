package dev.jmoe.host.kernel;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DenseTilesTest {
    @Test
    void transposeLaysEachPanelOutColumnByColumnWithEmptySlotsZero() {
        int n = 320;   // five blocks of 64 columns
        Random r = new Random(5);
        // full panels, a part one with whole and part vectors of tokens, and one smaller than a vector
        for (int tokens : new int[] {DenseTiles.PANEL, 2 * DenseTiles.PANEL + 19, DenseTiles.PANEL + 5, 3}) {
            float[][] x = new float[tokens][n];
            for (float[] row : x) for (int k = 0; k < n; k++) row[k] = r.nextFloat() - 0.5f;
            int panels = DenseTiles.panels(tokens), base = 7;
            float[] into = new float[base + panels * n * DenseTiles.PANEL];
            java.util.Arrays.fill(into, Float.NaN);
            for (int p = 0; p < panels; p++) DenseTiles.transpose(x, p, n, into, base);
            for (int p = 0; p < panels; p++) {
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < DenseTiles.PANEL; j++) {
                        int t = p * DenseTiles.PANEL + j;
                        float want = t < tokens ? x[t][k] : 0f;
                        assertEquals(want, into[base + (p * n + k) * DenseTiles.PANEL + j], tokens + " tokens: panel " + p + ", column " + k + ", slot " + j);
                    }
                }
            }
        }
    }
}
