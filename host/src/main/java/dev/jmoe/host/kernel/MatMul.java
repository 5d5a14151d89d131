package dev.jmoe.host.kernel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weight × activation products on a {@link WorkerPool}: one token (matvec), a batch of tokens (matmul), and
 * the MoE form where each token is multiplied only by the experts routed to it.
 *
 * <p>Activations are prepared once per token (quantized as the weight type needs, in parallel), then the
 * output rows are cut into chunks that workers take from a shared counter. Each chunk's weight rows are read
 * once per call: the chunk runs every token against them, a few tokens at a time, while they sit in cache.
 * One instance per thread of control: it keeps scratch activations between calls. Weight segments must be
 * readable from the pool's threads (a shared or global arena, or a mapped file).
 */
public final class MatMul {
    /** Tokens run against a chunk of rows before moving to the next few (their activations stay in L1/L2). */
    private static final int TOKEN_TILE = 8;
    /**
     * Tokens of one matrix from which its rows are dequantized once per chunk and multiplied in register
     * tiles ({@link DenseTiles}) instead of dot by dot. Below this (decode, batched decode of a few
     * sessions) every token takes the one-token kernels' exact block sums, so batching sessions changes no bit.
     */
    static final int TILE_MIN_TOKENS = 16;
    /**
     * Tokens of one expert, in a call of at least {@link #TILE_MIN_TOKENS}, from which it takes the tiles: a
     * row dequantized once costs about what a handful of tokens' dots cost, and every token after that is
     * three to four times cheaper in a tile than in a dot.
     */
    static final int TILE_MIN_EXPERT_TOKENS = 8;
    /**
     * Rows per chunk on the tile path, in whole {@link DenseTiles#TILE}s: six four-row tiles per
     * dequantization, or two ten-row ones (a chunk of 48 rows ran 0–6% slower than 24 at 32–512 tokens: its
     * rows' column block and a panel's no longer fit L1 together).
     */
    private static final int TILE_ROWS = 24;

    private final WorkerPool pool;
    private final RowDot dot;
    private final WorkerReplicas replicas;
    /**
     * Scratch activations per format and row length, reused between calls: a layer's products alternate
     * between several (the router's floats, the experts' shorter down rows), and one shared set was
     * reallocated at every change, megabytes per call for a prompt batch.
     */
    private final Map<ScratchKey, Activation[]> scratch = new HashMap<>();

    private record ScratchKey(ActivationFormat format, int cols) {}
    /** Per worker: the dequantized rows of its current chunk on the tile path, and the tiles' sums. */
    private final float[][] tileRows, tileSums;
    /**
     * Per worker: the dots' lane scratch and a four-token dot's results, kept between chunks (allocated per
     * chunk they were 40% of a decode step's garbage: a young collection every second on the speed model).
     */
    private final float[][] dotLanes, fourDots;
    /** The tiled groups' tokens transposed into panels ({@link DenseTiles#transpose}), reused between calls. */
    private float[] panels = new float[0];
    /**
     * Floats of panels one slice of a call's experts may take (64 MiB): the panels hold a token once per
     * routed expert, so a DeepSeek-size prompt batch (8 experts a token, 7168 columns) would need 117 MiB at
     * -ub 512 and 940 at 4096 in one piece. A slice of experts runs whole before the next is transposed.
     */
    private static final long PANEL_BUDGET = 16L << 20;
    private final long panelBudget;

    public MatMul(WorkerPool pool, RowDot dot) {
        this(pool, dot, WorkerReplicas.FIRST);
    }

    /** Workers read the replica of replicated expert weights that {@code replicas} names for them. */
    public MatMul(WorkerPool pool, RowDot dot, WorkerReplicas replicas) {
        this(pool, dot, replicas, PANEL_BUDGET);
    }

    /** As above, the experts of one call taken a slice at a time whose panels fit {@code panelBudget} floats. */
    MatMul(WorkerPool pool, RowDot dot, WorkerReplicas replicas, long panelBudget) {
        this.pool = pool;
        this.dot = dot;
        this.replicas = replicas;
        this.panelBudget = panelBudget;
        this.tileRows = new float[pool.workers()][];
        this.tileSums = new float[pool.workers()][];
        this.dotLanes = new float[pool.workers()][RowDot.SCRATCH];
        this.fourDots = new float[pool.workers()][4];
    }

    /** out[r] = row r of w · x, for x of w.cols() elements and out of w.rows(). */
    public void matvec(WeightMatrix w, float[] x, float[] out) {
        matmul(w, x, 1, out);
    }

    /** out[t·rows + r] = row r of w · x[t·cols ..], for t below {@code batch}. */
    public void matmul(WeightMatrix w, float[] x, int batch, float[] out) {
        matmul(new WeightMatrix[] {w}, x, batch, new float[][] {out});
    }

    /**
     * The products of several matrices with the same activations, outs[i] as {@link #matmul(WeightMatrix, float[],
     * int, float[])} gives for ws[i]: where they take the same activation format (attention's q, k and v; a
     * SwiGLU's gate and up) the tokens are prepared and transposed once and every matrix's chunks run in one job.
     */
    public void matmul(WeightMatrix[] ws, float[] x, int batch, float[][] outs) {
        requireCount(ws.length, outs.length);
        if (!sharesActivations(ws)) {
            for (int i = 0; i < ws.length; i++) matmul(ws[i], x, batch, outs[i]);
            return;
        }
        requireLength("activations", x, (long) batch * ws[0].cols());
        for (int i = 0; i < ws.length; i++) requireLength("output", outs[i], (long) batch * ws[i].rows());
        int[] token = new int[batch];
        for (int t = 0; t < batch; t++) token[t] = t;
        Group[][] byReplica = new Group[ws[0].replicaCount()][ws.length];
        for (int i = 0; i < ws.length; i++) {
            int[] outBase = new int[batch];
            for (int t = 0; t < batch; t++) outBase[t] = t * ws[i].rows();
            for (int r = 0; r < byReplica.length; r++) byReplica[r][i] = new Group(ws[i].replica(r), token, outBase, outs[i], TILE_MIN_TOKENS);
        }
        runGroups(byReplica, prepare(ws[0], x, batch, byReplica[0]));
    }

    /**
     * The MoE form: pair i multiplies token {@code pairToken[i]} (of {@code tokens} in x, [tokens][cols]) by
     * expert {@code pairExpert[i]}, into out[i·rows ..]. Pairs are grouped per expert, so each chosen
     * expert's bytes are read once per call, and experts no pair chose are not read at all.
     */
    public void experts(ExpertWeights w, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[] out) {
        experts(new ExpertWeights[] {w}, x, tokens, pairToken, pairExpert, new float[][] {out});
    }

    /**
     * The MoE form for several expert stacks over the same pairs (the experts' gate and up), outs[i] as {@link
     * #experts(ExpertWeights, float[], int, int[], int[], float[])} gives for ws[i]; where the stacks take the same
     * activation format the tokens are prepared once, each expert's tokens transposed once for all stacks, and
     * every stack's chunks run in one job.
     */
    public void experts(ExpertWeights[] ws, float[] x, int tokens, int[] pairToken, int[] pairExpert, float[][] outs) {
        requireCount(ws.length, outs.length);
        WeightMatrix[] first = new WeightMatrix[ws.length];
        for (int i = 0; i < ws.length; i++) first[i] = ws[i].expert(0);
        if (!sharesActivations(first) || !sameExperts(ws)) {
            for (int i = 0; i < ws.length; i++) experts(new ExpertWeights[] {ws[i]}, x, tokens, pairToken, pairExpert, new float[][] {outs[i]});
            return;
        }
        int pairs = pairToken.length;
        if (pairExpert.length != pairs) {
            throw new IllegalArgumentException(pairs + " pair tokens but " + pairExpert.length + " pair experts");
        }
        for (int i = 0; i < ws.length; i++) requireLength("output", outs[i], (long) pairs * ws[i].rows());
        requireLength("activations", x, (long) tokens * ws[0].cols());
        for (int i = 0; i < pairs; i++) {
            if (pairToken[i] < 0 || pairToken[i] >= tokens) throw new IndexOutOfBoundsException("pair " + i + ": token " + pairToken[i] + " of " + tokens);
            if (pairExpert[i] < 0 || pairExpert[i] >= ws[0].experts()) throw new IndexOutOfBoundsException("pair " + i + ": expert " + pairExpert[i] + " of " + ws[0].experts());
        }
        Group[][] byReplica = group(ws, pairToken, PairsByExpert.of(pairExpert, ws[0].experts()), outs, tokens >= TILE_MIN_TOKENS ? TILE_MIN_EXPERT_TOKENS : TILE_MIN_TOKENS);
        runGroups(byReplica, prepare(first[0], x, tokens, byReplica[0]));
    }

    /** Whether one preparation of the activations serves all of ws (one or more): the same columns, format and replicas. */
    private static boolean sharesActivations(WeightMatrix[] ws) {
        if (ws.length == 0) return false;
        for (WeightMatrix w : ws) {
            if (w.cols() != ws[0].cols() || w.replicaCount() != ws[0].replicaCount()
                    || ActivationFormat.forWeight(w.type()) != ActivationFormat.forWeight(ws[0].type())) return false;
        }
        return true;
    }

    private static boolean sameExperts(ExpertWeights[] ws) {
        for (ExpertWeights w : ws) if (w.experts() != ws[0].experts() || w.replicaCount() != ws[0].replicaCount()) return false;
        return true;
    }

    /**
     * One matrix and the tokens it multiplies: slot i is token token[i], written to out[outBase[i] + r];
     * {@code minTokens} is how many it needs to take the tiles. Consecutive groups holding the same token array
     * (several matrices over the same tokens) share their panels.
     */
    private record Group(WeightMatrix w, int[] token, int[] outBase, float[] out, int minTokens) {
        boolean tiled() {
            return token.length >= minTokens && DenseTiles.supports(w.type(), w.cols());
        }
    }

    private static boolean anyTiled(Group[] groups) {
        for (Group g : groups) if (g.tiled()) return true;
        return false;
    }

    /**
     * The groups of each replica of the stacks ([replica][group]): per chosen expert, one group of each stack
     * in ws order over the same tokens, each replica's matrices.
     */
    private static Group[][] group(ExpertWeights[] ws, int[] pairToken, PairsByExpert byExpert, float[][] outs, int minTokens) {
        int used = 0;
        for (int e = 0; e < ws[0].experts(); e++) if (byExpert.count(e) > 0) used++;
        Group[][] byReplica = new Group[ws[0].replicaCount()][used * ws.length];
        for (int e = 0, g = 0; e < ws[0].experts(); e++) {
            int n = byExpert.count(e);
            if (n == 0) continue;
            int[] token = new int[n];
            for (int j = 0; j < n; j++) token[j] = pairToken[byExpert.pair(e, j)];
            for (int i = 0; i < ws.length; i++, g++) {
                int[] outBase = new int[n];
                for (int j = 0; j < n; j++) outBase[j] = byExpert.pair(e, j) * ws[i].rows();
                for (int r = 0; r < byReplica.length; r++) byReplica[r][g] = new Group(ws[i].expert(e, r), token, outBase, outs[i], minTokens);
            }
        }
        return byReplica;
    }

    /**
     * Runs the groups of byReplica[0] (byReplica[r]: the same on replica r), in slices of consecutive groups
     * whose panels fit the budget (a group alone may exceed it).
     */
    private void runGroups(Group[][] byReplica, Activation[] acts) {
        Group[] groups = byReplica[0];
        int cols = groups.length == 0 ? 0 : groups[0].w.cols();
        for (int g0 = 0, g1; g0 < groups.length; g0 = g1) {
            long floats = panelFloats(groups[g0], cols);   // a slice's first group transposes its own
            for (g1 = g0 + 1; g1 < groups.length && floats + panelFloats(groups, g1, cols) <= panelBudget; g1++) {
                floats += panelFloats(groups, g1, cols);
            }
            if (g0 == 0 && g1 == groups.length) {
                runSlice(byReplica, acts);
            } else {
                Group[][] slice = new Group[byReplica.length][];
                for (int r = 0; r < slice.length; r++) slice[r] = Arrays.copyOfRange(byReplica[r], g0, g1);
                runSlice(slice, acts);
            }
        }
    }

    /** Whether groups[g] reads the panels of the group before it (the same tokens). */
    private static boolean sharesPanels(Group[] groups, int g) {
        return g > 0 && groups[g].token == groups[g - 1].token && groups[g - 1].tiled();
    }

    /** Floats of panels groups[g]'s tokens add (none where it shares its predecessor's). */
    private static long panelFloats(Group[] groups, int g, int cols) {
        return sharesPanels(groups, g) ? 0 : panelFloats(groups[g], cols);
    }

    /** Floats of panels a group's tokens take (none where it takes the dots). */
    private static long panelFloats(Group g, int cols) {
        return g.tiled() ? (long) DenseTiles.panels(g.token.length) * cols * DenseTiles.PANEL : 0;
    }

    /** Runs the groups of byReplica[0] (byReplica[r]: the same on replica r); each worker reads its replica's. */
    private void runSlice(Group[][] byReplica, Activation[] acts) {
        Group[] groups = byReplica[0];
        long allRows = 0;
        for (Group g : groups) allRows += g.w.rows();
        int[] panelBase = transposeTiled(groups, acts);
        int chunk = panelBase != null ? tileChunkRows(allRows) : chunkRows(allRows);
        int[] firstUnit = new int[groups.length + 1];
        for (int g = 0; g < groups.length; g++) firstUnit[g + 1] = firstUnit[g] + (groups[g].w.rows() + chunk - 1) / chunk;
        int units = firstUnit[groups.length];
        AtomicInteger next = new AtomicInteger();
        pool.run((worker, workers) -> {
            Group[] mine = byReplica[replicaOf(worker, byReplica.length)];   // once per worker and job
            int gi = 0;
            for (int u; (u = next.getAndIncrement()) < units; ) {
                while (firstUnit[gi + 1] <= u) gi++;   // units are taken in increasing order
                Group g = mine[gi];
                int r0 = (u - firstUnit[gi]) * chunk, r1 = Math.min(g.w.rows(), r0 + chunk);
                if (g.tiled()) tiles(g, r0, r1, panelBase[gi], worker);
                else rows(g, r0, r1, acts, worker);
            }
        });
    }

    /**
     * The tokens of every tiled group transposed into panels, in parallel, once per call (every chunk of the
     * group reads them, and so does a following group of the same tokens); returns where each group's panels
     * start, or null when no group is tiled.
     */
    private int[] transposeTiled(Group[] groups, Activation[] acts) {
        if (!anyTiled(groups)) return null;
        int cols = groups[0].w.cols();
        int[] base = new int[groups.length];
        int units = 0;
        long floats = 0;
        for (int g = 0; g < groups.length; g++) {
            if (sharesPanels(groups, g)) {
                base[g] = base[g - 1];
                continue;
            }
            base[g] = (int) floats;
            units += groups[g].tiled() ? DenseTiles.panels(groups[g].token.length) : 0;
            floats += panelFloats(groups, g, cols);
        }
        if (floats > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("a batch of " + floats + " floats of panels is too large for one call");
        if (panels.length < floats) panels = new float[(int) floats];
        int[] unitGroup = new int[units], unitPanel = new int[units];
        float[][][] dense = new float[groups.length][][];
        for (int g = 0, u = 0; g < groups.length; g++) {
            if (!groups[g].tiled() || sharesPanels(groups, g)) continue;
            dense[g] = new float[groups[g].token.length][];
            for (int i = 0; i < dense[g].length; i++) dense[g][i] = acts[groups[g].token[i]].dense;
            for (int p = 0; p < DenseTiles.panels(dense[g].length); p++, u++) {
                unitGroup[u] = g;
                unitPanel[u] = p;
            }
        }
        float[] into = panels;
        int total = units;
        AtomicInteger next = new AtomicInteger();
        pool.run((worker, workers) -> {
            for (int u; (u = next.getAndIncrement()) < total; ) {
                int g = unitGroup[u];
                DenseTiles.transpose(dense[g], unitPanel[u], cols, into, base[g]);
            }
        });
        return base;
    }

    /** The replica {@code worker} reads of weights with {@code count} replicas (0 where it names none of them). */
    private int replicaOf(int worker, int count) {
        int r = replicas.replicaOf(worker);
        return r >= 0 && r < count ? r : 0;
    }

    /** As {@link #chunkRows}, in whole tiles and at most {@link #TILE_ROWS}. */
    private int tileChunkRows(long allRows) {
        int tiles = Math.min(TILE_ROWS, chunkRows(allRows)) / DenseTiles.TILE;
        return Math.max(1, tiles) * DenseTiles.TILE;
    }

    /** About eight chunks per worker over all the groups' rows for balance, but at least 4 and at most 64 rows each. */
    private int chunkRows(long allRows) {
        int perWorker = (int) Math.max(1, Math.min(Integer.MAX_VALUE, allRows / (8L * pool.workers())));
        return Math.clamp(perWorker, 4, 64);
    }

    /** Rows r0..r1 of one group against all its tokens, four at a time where the kernel can share the weights. */
    private void rows(Group g, int r0, int r1, Activation[] acts, int worker) {
        WeightMatrix w = g.w;
        float[] out = g.out;
        long rowBytes = w.rowBytes();
        int[] tok = g.token, base = g.outBase;
        float[] lanes = dotLanes[worker];
        if (tok.length == 1) {
            dot.dotRows(w.type(), w.data(), r0 * rowBytes, rowBytes, r1 - r0, acts[tok[0]], out, base[0] + r0, lanes);
            return;
        }
        float[] four = fourDots[worker];
        for (int t0 = 0; t0 < tok.length; t0 += TOKEN_TILE) {
            int t1 = Math.min(tok.length, t0 + TOKEN_TILE);
            for (int r = r0; r < r1; r++) {
                long off = r * rowBytes;
                int i = t0;
                for (; i + 4 <= t1; i += 4) {
                    dot.dot4(w.type(), w.data(), off, acts[tok[i]], acts[tok[i + 1]], acts[tok[i + 2]], acts[tok[i + 3]], four, lanes);
                    for (int k = 0; k < 4; k++) out[base[i + k] + r] = four[k];
                }
                for (; i < t1; i++) out[base[i] + r] = dot.dot(w.type(), w.data(), off, acts[tok[i]], lanes);
            }
        }
    }

    /** Rows r0..r1 of one group dequantized once into the worker's scratch, then against its token panels in tiles. */
    private void tiles(Group g, int r0, int r1, int panelBase, int worker) {
        WeightMatrix w = g.w;
        int cols = w.cols(), count = r1 - r0, floats = DenseTiles.rowFloats(count, cols);
        float[] rowsOut = tileRows[worker];
        if (rowsOut == null || rowsOut.length < floats) tileRows[worker] = rowsOut = new float[floats];
        DenseTiles.dequantizeRows(w.type(), w.data(), r0 * w.rowBytes(), w.rowBytes(), count, cols, rowsOut);
        int sums = DenseTiles.panels(g.token.length) * DenseTiles.paddedRows(count) * DenseTiles.PANEL;
        float[] acc = tileSums[worker];
        if (acc == null || acc.length < sums) tileSums[worker] = acc = new float[sums];
        DenseTiles.multiply(rowsOut, count, cols, panels, panelBase, g.token.length, g.outBase, r0, g.out, acc);
    }

    /**
     * Quantizes each token's activation row once, in parallel, into reused scratch: for the dots where a
     * group that takes them has the token, densified where a tiled group has it.
     */
    private Activation[] prepare(WeightMatrix w, float[] x, int tokens, Group[] groups) {
        ActivationFormat format = ActivationFormat.forWeight(w.type());
        int cols = w.cols();
        Activation[] acts = scratch(format, cols, tokens);
        if (tokens == 1 && !anyTiled(groups)) {
            ActivationQuantizer.quantize(x, 0, acts[0]);
            return acts;
        }
        boolean[] dots = new boolean[tokens], tiles = new boolean[tokens];
        for (Group g : groups) {
            boolean[] needs = g.tiled() ? tiles : dots;
            for (int t : g.token) needs[t] = true;
        }
        pool.run((worker, workers) -> {
            for (int t = worker; t < tokens; t += workers) ActivationQuantizer.prepare(x, t * cols, acts[t], dots[t], tiles[t]);
        });
        return acts;
    }

    /** At least {@code tokens} scratch activations of {@code format} and {@code cols}, grown (never shrunk) as needed. */
    private Activation[] scratch(ActivationFormat format, int cols, int tokens) {
        ScratchKey key = new ScratchKey(format, cols);
        Activation[] acts = scratch.get(key);
        if (acts != null && acts.length >= tokens) return acts;
        int had = acts == null ? 0 : acts.length;
        acts = acts == null ? new Activation[tokens] : Arrays.copyOf(acts, tokens);
        for (int t = had; t < tokens; t++) acts[t] = new Activation(format, cols);
        scratch.put(key, acts);
        return acts;
    }

    private static void requireCount(int matrices, int outputs) {
        if (matrices != outputs) throw new IllegalArgumentException(matrices + " matrices but " + outputs + " outputs");
    }

    private static void requireLength(String what, float[] a, long need) {
        if (a.length < need) throw new IllegalArgumentException(what + " array has " + a.length + " floats, needs " + need);
    }
}
