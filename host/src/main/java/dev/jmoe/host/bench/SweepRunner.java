package dev.jmoe.host.bench;

import dev.jmoe.host.engine.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import dev.jmoe.host.engine.TransferTotals;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * llama-sweep-bench's measurement: walk the context up in steps of one micro-batch; at each depth time
 * ub/4 single-token decodes (then rewind) and one micro-batch of prompt processing, which stays in the
 * cache as the step to the next depth (the same state a rewind and an untimed fill would leave).
 * A warm-up of both runs first, at depth 0, untimed, until their times are steady ({@link WarmUp}: so the JIT
 * has compiled the kernels).
 */
public final class SweepRunner {
    private final SplittableRandom random = new SplittableRandom(4321);
    private final Supplier<Optional<TransferTotals>> totals;

    /** Without transfer figures (a CPU engine). */
    public SweepRunner() {
        this(Optional::empty);
    }

    /** With the GPU expert path's running totals ({@code engine::transferTotals}): each row's PCIe GB/s and hit rate. */
    public SweepRunner(Supplier<Optional<TransferTotals>> totals) {
        this.totals = totals;
    }

    /** Rows for depths 0, ub, 2 ub, ... while a micro-batch still fits in the session's context. */
    public List<SweepRow> run(Session session, int ubatch, Consumer<SweepRow> onRow) {
        if (ubatch < 1) throw new IllegalArgumentException("-ub must be at least 1, got " + ubatch);
        int nTg = Math.max(1, ubatch / 4);
        int context = session.contextSize();
        if (Math.max(ubatch, nTg) > context) {
            throw new IllegalArgumentException("context " + context + " is smaller than one micro-batch of " + ubatch);
        }
        WarmUp.run(() -> {
            session.reset();
            double seconds = generate(session, nTg);
            session.reset();
            return (long) ((seconds + prompt(session, ubatch)) * 1e9);
        });
        session.reset();
        List<SweepRow> rows = new ArrayList<>();
        for (int nKv = 0; nKv + ubatch <= context; nKv += ubatch) {
            double tTg = nKv + nTg <= context ? generate(session, nTg) : Double.NaN;
            session.truncate(nKv);
            Optional<TransferTotals> before = totals.get();
            double tPp = prompt(session, ubatch);
            SweepRow row = new SweepRow(ubatch, nTg, nKv, tPp, tTg, TransferStats.between(before, totals));
            rows.add(row);
            onRow.accept(row);
        }
        return rows;
    }

    private double prompt(Session session, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(session.vocabSize());
        long start = System.nanoTime();
        session.evaluate(ids);
        return (System.nanoTime() - start) / 1e9;
    }

    private double generate(Session session, int n) {
        int[] one = new int[1];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            one[0] = random.nextInt(session.vocabSize());
            session.evaluate(one);
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
