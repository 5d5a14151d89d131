package dev.jmoe.host.bench;

import java.util.Optional;

/**
 * One step of the sweep: at {@code nKv} tokens of context, the time of a micro-batch of {@code nPp} prompt
 * tokens and of {@code nTg} single-token decodes; transfer figures when a GPU backend reports them.
 */
public record SweepRow(int nPp, int nTg, int nKv, double tPp, double tTg, Optional<TransferStats> transfer) {
    public double speedPp() {
        return nPp / tPp;
    }

    public double speedTg() {
        return nTg / tTg;
    }
}
