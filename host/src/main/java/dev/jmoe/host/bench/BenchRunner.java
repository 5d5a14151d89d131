package dev.jmoe.host.bench;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.OffloadOptions;
import dev.jmoe.host.engine.TransferTotals;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs benchmark cases: loads each model configuration once (with a context just large enough for its
 * tests), then per test one warm-up run and {@code reps} timed runs. Prompt tests evaluate random token
 * ids in chunks of the logical batch (the session splits them into micro-batches); generation tests
 * evaluate one token at a time. The depth is filled once per test, untimed, and every run rewinds to it.
 *
 * <p>The warm-up ({@link WarmUp}) repeats the test until its runs take steady times: on a small model one run,
 * as llama-bench does, is too short for the JIT to compile the kernels.
 */
public final class BenchRunner {
    private final int reps;
    private final BenchProgress progress;
    private final SplittableRandom random = new SplittableRandom(1234);

    public BenchRunner(int reps, BenchProgress progress) {
        if (reps < 1) throw new IllegalArgumentException("-r must be at least 1, got " + reps);
        this.reps = reps;
        this.progress = progress;
    }

    public List<BenchResult> run(List<BenchCase> cases) {
        List<BenchResult> out = new ArrayList<>();
        int index = 0;
        for (List<BenchCase> group : byLoad(cases).values()) {
            int context = group.stream().mapToInt(c -> c.test().contextNeeded()).max().orElseThrow();
            BenchCase first = group.getFirst();
            try (Engine engine = Engine.load(first.model(), first.options().withContext(context))) {
                ModelInfo info = ModelInfo.of(engine.model());
                Session session = engine.newSession();
                for (BenchCase c : group) {
                    if (c.options().offload().expertPin() != null) engine.switchExpertPin(c.options().offload().expertPin());
                    Timed timed = time(engine, session, c, index++, cases.size());
                    out.add(new BenchResult(info, engine.backendName(), c.options(), c.test(), timed.samples(), timed.transfer()));
                }
            }
        }
        return out;
    }

    private record Load(Path model, EngineOptions options) {}

    /**
     * Cases that share a model and options, in first-seen order (the grid already lists them together). The expert
     * pin mode is not part of a load: the engine switches it between cases ({@link Engine#switchExpertPin}), as the
     * server does, instead of loading the model again.
     */
    static Map<Load, List<BenchCase>> byLoad(List<BenchCase> cases) {
        Map<Load, List<BenchCase>> groups = new LinkedHashMap<>();
        for (BenchCase c : cases) {
            OffloadOptions o = c.options().offload();
            EngineOptions anyPin = c.options().withOffload(new OffloadOptions(o.batchSize(), null, o.pinCacheGib(), o.pinEager()));
            groups.computeIfAbsent(new Load(c.model(), anyPin), k -> new ArrayList<>()).add(c);
        }
        return groups;
    }

    /** A test's t/s samples, and the expert uploads of its timed runs where a GPU staged any. */
    private record Timed(double[] samples, Optional<TransferStats> transfer) {}

    private Timed time(Engine engine, Session session, BenchCase c, int index, int total) {
        BenchTest t = c.test();
        session.reset();
        if (t.nDepth() > 0) prompt(session, t.nDepth(), c.options().batch());
        progress.run(index, total, c, 0, reps);
        WarmUp.run(() -> once(session, c));
        Optional<TransferTotals> before = engine.transferTotals();
        double[] samples = new double[reps];
        for (int rep = 1; rep <= reps; rep++) {
            progress.run(index, total, c, rep, reps);
            samples[rep - 1] = t.tokens() / (once(session, c) / 1e9);
        }
        return new Timed(samples, TransferStats.between(before, engine::transferTotals));
    }

    /** One run of the test from its depth; returns its nanoseconds. */
    private long once(Session session, BenchCase c) {
        BenchTest t = c.test();
        session.truncate(t.nDepth());
        long start = System.nanoTime();
        if (t.nPrompt() > 0) prompt(session, t.nPrompt(), c.options().batch());
        else generate(session, t.nGen());
        return System.nanoTime() - start;
    }

    private void prompt(Session session, int n, int batch) {
        for (int done = 0; done < n; done += batch) session.evaluate(randomTokens(Math.min(batch, n - done), session.vocabSize()));
    }

    private void generate(Session session, int n) {
        int[] one = new int[1];
        for (int i = 0; i < n; i++) {
            one[0] = random.nextInt(session.vocabSize());
            session.evaluate(one);
        }
    }

    int[] randomTokens(int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(vocab);
        return ids;
    }
}
