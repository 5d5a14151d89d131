package dev.jmoe.host.kernel;

import dev.jmoe.host.gguf.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Has the JIT compile the matrix kernels before a model's first forward pass: the products of each weight type
 * the model reads — one token, four, a batch that takes the tiles, as a matrix and as experts — on the first rows
 * of one of its own tensors of that type, on the calling thread alone, round after round until
 * {@link #SETTLED_ROUNDS} rounds in a row take times within {@link #SETTLED} of the one before with no compiling
 * during them, or the rounds have taken the budget. Once per type and process: a second model of the same types
 * finds them warm.
 *
 * <p>Why: until C2 has compiled them the Vector API kernels run in its slow Java fallback, and a forward pass holds
 * every core, leaving the compiler threads none. On the 2-core VM, {@code jmoe run} took 6.3–8.5 s for the
 * 15-token prompt of the synth speed model (Q4_K_M), 1.2–1.3 s after a warm-up of about 4 s. Here one thread
 * computes and the other cores are the JIT's. The model's own tensors, so that the branches and shapes C2 compiles
 * for are the model's: kernels warmed up on small random matrices (64 × 512) hit uncommon traps on the model's rows
 * and were compiled again.
 * (llama.cpp also warms up before the first prompt, with an empty run; the flag that turns both off is the same,
 * {@code --no-warmup}.)
 */
public final class KernelWarmUp {
    /** A round this close (relative) to the one before, with no compiling during it, counts towards settling. */
    static final double SETTLED = 0.15;
    static final int SETTLED_ROUNDS = 3;
    /** Rows of each tensor a round multiplies: enough calls per round for C2 to take each kernel up soon. */
    private static final int ROWS = 256;
    /** One token (the dots), four (the four-token dots), a batch that takes the register tiles. */
    private static final int[] BATCHES = {1, 4, 2 * MatMul.TILE_MIN_TOKENS};
    private static final int TOKENS = BATCHES[BATCHES.length - 1];
    /** The types warmed up in this process. */
    private static final Set<GgmlType> WARM = ConcurrentHashMap.newKeySet();

    /** How a warm-up ended: its rounds (0: every type was warm already), their time, and whether they settled. */
    public record Result(int rounds, long nanos, boolean settled) {}

    private KernelWarmUp() {}

    /**
     * Warms up, through {@code dot}, the kernels of the weight types among {@code matrices} and {@code experts} (a
     * model's) not warmed up before, for rounds of at most {@code budgetNanos} in all. Reads their data only.
     */
    public static Result run(List<WeightMatrix> matrices, List<ExpertWeights> experts, RowDot dot, long budgetNanos) {
        loadHeapSegments();
        try (WorkerPool alone = new WorkerPool(1, "jmoe-warm-up")) {
            Products products = new Products(matrices, experts, new MatMul(alone, dot), WARM);
            if (products.types.isEmpty()) return new Result(0, 0, true);
            Result r = settle(products::run, budgetNanos, JitActivity.running());
            WARM.addAll(products.types);
            return r;
        }
    }

    /** Calls {@code round} (which returns its nanoseconds) until it settles or the rounds have taken {@code budgetNanos}. */
    public static Result settle(LongSupplier round, long budgetNanos, JitActivity jit) {
        long total = 0, previous = -1;
        int close = 0;
        for (int rounds = 1; ; rounds++) {
            long compiledBefore = jit.compileMillis();
            long t = round.getAsLong();
            total += t;
            boolean compiled = compiledBefore >= 0 && jit.compileMillis() != compiledBefore;
            close = !compiled && previous > 0 && Math.abs(t - previous) <= SETTLED * Math.max(t, previous) ? close + 1 : 0;
            if (close >= SETTLED_ROUNDS) return new Result(rounds, total, true);
            if (total >= budgetNanos) return new Result(rounds, total, false);
            previous = t;
        }
    }

    /**
     * Loads the heap segment classes before anything is compiled: the first heap segment of a process (the Vector
     * API's fallback makes one for the KV cache reads of the first prompt's attention) loads a new subclass of the
     * segment implementation, and C2 drops every method it compiled while there was none: on the speed model, every
     * kernel just warmed up, 50 ms into the first prompt.
     */
    private static void loadHeapSegments() {
        MemorySegment.ofArray(new byte[1]);
        MemorySegment.ofArray(new char[1]);
        MemorySegment.ofArray(new short[1]);
        MemorySegment.ofArray(new int[1]);
        MemorySegment.ofArray(new float[1]);
        MemorySegment.ofArray(new long[1]);
        MemorySegment.ofArray(new double[1]);
    }

    /** Per weight type not yet warm: the first rows of one of its matrices, and of one of its 3-D tensors as two experts. */
    private static final class Products {
        final Set<GgmlType> types = EnumSet.noneOf(GgmlType.class);
        private final MatMul matmul;
        private final List<WeightMatrix> matrices = new ArrayList<>();
        private final List<ExpertWeights> experts = new ArrayList<>();
        private final float[] x, out;
        private final int[] pairToken = new int[TOKENS], pairExpert = new int[TOKENS];
        /** One token routed to both experts: the decode form. */
        private final int[] oneToken = {0, 0}, bothExperts = {0, 1};

        Products(List<WeightMatrix> allMatrices, List<ExpertWeights> allExperts, MatMul matmul, Set<GgmlType> warm) {
            this.matmul = matmul;
            Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
            int cols = 1, rows = 1;
            for (WeightMatrix m : allMatrices) {
                if (warm.contains(m.type()) || !seen.add(m.type())) continue;
                int r = Math.min(ROWS, m.rows());
                matrices.add(new WeightMatrix(m.data().asSlice(0, r * m.rowBytes()), m.type(), m.cols(), r));
                cols = Math.max(cols, m.cols());
                rows = Math.max(rows, r);
            }
            types.addAll(seen);
            seen.clear();
            for (ExpertWeights e : allExperts) {
                long all = (long) e.rows() * e.experts();
                if (warm.contains(e.type()) || all < 2 || !seen.add(e.type())) continue;
                int r = (int) Math.min(ROWS, all / 2);   // two "experts" of r rows from the tensor's first rows: any valid blocks do
                experts.add(new ExpertWeights(e.data().asSlice(0, 2 * r * e.expert(0).rowBytes()), e.type(), e.cols(), r, 2));
                cols = Math.max(cols, e.cols());
                rows = Math.max(rows, r);
            }
            types.addAll(seen);
            x = new float[TOKENS * cols];
            out = new float[TOKENS * rows];
            Random random = new Random(7);
            for (int j = 0; j < x.length; j++) x[j] = (float) random.nextGaussian();
            for (int t = 0; t < TOKENS; t++) {
                pairToken[t] = t;
                pairExpert[t] = t & 1;
            }
        }

        /** One round; returns its nanoseconds. */
        long run() {
            long t0 = System.nanoTime();
            for (WeightMatrix m : matrices) {
                for (int batch : BATCHES) matmul.matmul(m, x, batch, out);
            }
            for (ExpertWeights e : experts) {
                matmul.experts(e, x, TOKENS, pairToken, pairExpert, out);
                matmul.experts(e, x, 1, oneToken, bothExperts, out);
            }
            return System.nanoTime() - t0;
        }
    }
}
