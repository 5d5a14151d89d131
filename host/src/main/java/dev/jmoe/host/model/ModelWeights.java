package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.host.kernel.quant.WeightQuantizer;
import dev.jmoe.host.kernel.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors of a model bound to their roles, each checked against the config's shape and
 * against the kernels (a type without a CPU kernel is named with its tensor). Nothing is copied but the
 * small norm vectors; the matrices are slices of {@code data}, which must outlive this object.
 *
 * @param output the output projection, or {@code tokenEmbd} where the model ties them
 */
public record ModelWeights(WeightMatrix tokenEmbd, List<LayerWeights> layers, float[] outputNorm, WeightMatrix output) {

    public static ModelWeights load(GgufModel model, ModelConfig c, TensorDataSource data) {
        Binder b = new Binder(model, data);
        WeightMatrix embd = b.matrix("token_embd.weight", c.embd(), c.vocab());
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) layers.add(layer(b, c, i));
        WeightMatrix output = model.find("output.weight").isPresent() ? b.matrix("output.weight", c.embd(), c.vocab()) : embd;
        return new ModelWeights(embd, List.copyOf(layers), b.vector("output_norm.weight", c.embd()), output);
    }

    /** The matrices of a forward pass's products (not the 3-D ones): what a warm-up runs its kernels on. */
    public List<WeightMatrix> productMatrices() {
        List<WeightMatrix> m = new ArrayList<>(List.of(output));
        for (LayerWeights l : layers) {
            switch (l.attention()) {
                case AttentionWeights.GroupedQuery g -> m.addAll(List.of(g.q(), g.k(), g.v()));
                case AttentionWeights.Latent a -> {
                    if (a.qA() != null) m.add(a.qA());
                    m.addAll(List.of(a.q(), a.kvA()));
                }
            }
            m.add(l.attention().output());
            if (l.moe() != null) m.add(l.moe().router());
            if (l.dense() != null) m.addAll(List.of(l.dense().gate(), l.dense().up(), l.dense().down()));
        }
        return m;
    }

    /** The 3-D tensors of a forward pass's products: routed experts, and latent attention's per-head matrices. */
    public List<ExpertWeights> productExperts() {
        List<ExpertWeights> e = new ArrayList<>();
        for (LayerWeights l : layers) {
            if (l.attention() instanceof AttentionWeights.Latent a) e.addAll(List.of(a.keyAbsorb(), a.valueUp()));
            if (l.moe() != null) e.addAll(List.of(l.moe().gate(), l.moe().up(), l.moe().down()));
        }
        return e;
    }

    private static LayerWeights layer(Binder b, ModelConfig c, int index) {
        String p = "blk." + index + ".";
        AttentionWeights attention = c.mla() != null ? latent(b, c, p) : groupedQuery(b, c, p);
        MoeWeights moe = null;
        DenseFfnWeights dense;
        if (c.isMoeLayer(index)) {
            if (b.model().find(p + "ffn_gate_exps.weight").isEmpty() && b.model().find(p + "ffn_gate.0.weight").isPresent()) {
                throw new UnsupportedModelException(p + "ffn_gate.0.weight: one tensor per expert (an old Mixtral layout) is not "
                        + "supported; convert the model again so each layer has merged ffn_*_exps tensors");
            }
            MoeShape m = c.moe();
            moe = new MoeWeights(b.matrix(p + "ffn_gate_inp.weight", c.embd(), m.experts()),
                    b.model().find(p + "exp_probs_b.bias").isPresent() ? b.vector(p + "exp_probs_b.bias", m.experts()) : null,
                    b.experts(p + "ffn_gate_exps.weight", c.embd(), m.expertFf(), m.experts()),
                    b.experts(p + "ffn_up_exps.weight", c.embd(), m.expertFf(), m.experts()),
                    b.experts(p + "ffn_down_exps.weight", m.expertFf(), c.embd(), m.experts()));
            dense = m.shared() > 0 ? denseFfn(b, c, p, "_shexp", m.expertFf() * m.shared()) : null;
        } else {
            dense = denseFfn(b, c, p, "", c.ff());
        }
        return new LayerWeights(b.vector(p + "attn_norm.weight", c.embd()), attention, b.vector(p + "ffn_norm.weight", c.embd()), moe, dense);
    }

    private static AttentionWeights groupedQuery(Binder b, ModelConfig c, String p) {
        float[] qNorm = c.arch().qkNorm ? b.vector(p + "attn_q_norm.weight", c.keyLength()) : null;
        float[] kNorm = c.arch().qkNorm ? b.vector(p + "attn_k_norm.weight", c.keyLength()) : null;
        return new AttentionWeights.GroupedQuery(b.matrix(p + "attn_q.weight", c.embd(), c.qDim()),
                b.matrix(p + "attn_k.weight", c.embd(), c.kDim()), b.matrix(p + "attn_v.weight", c.embd(), c.vDim()),
                qNorm, kNorm, b.matrix(p + "attn_output.weight", c.attnOutDim(), c.embd()));
    }

    /**
     * Latent attention, from either layout: one {@code attn_kv_b} (kv_lora columns, per head nope key rows
     * then value rows), whose key rows are transposed here once into F32 absorb matrices, or the split
     * {@code attn_k_b} / {@code attn_v_b}, which already hold both per head in the form attention needs.
     */
    private static AttentionWeights latent(Binder b, ModelConfig c, String p) {
        LatentAttentionShape s = c.mla();
        int heads = c.heads();
        WeightMatrix qA = null, q;
        float[] qANorm = null;
        if (s.qLoraRank() > 0) {
            qA = b.matrix(p + "attn_q_a.weight", c.embd(), s.qLoraRank());
            qANorm = b.vector(p + "attn_q_a_norm.weight", s.qLoraRank());
            q = b.matrix(p + "attn_q_b.weight", s.qLoraRank(), heads * s.keyLength());
        } else {
            q = b.matrix(p + "attn_q.weight", c.embd(), heads * s.keyLength());
        }
        ExpertWeights keyAbsorb, valueUp;
        if (b.model().find(p + "attn_k_b.weight").isPresent()) {
            keyAbsorb = b.experts(p + "attn_k_b.weight", s.nopeDim(), s.kvLoraRank(), heads);
            valueUp = b.experts(p + "attn_v_b.weight", s.kvLoraRank(), s.valueDim(), heads);
        } else {
            WeightMatrix kvB = b.matrix(p + "attn_kv_b.weight", s.kvLoraRank(), heads * (s.nopeDim() + s.valueDim()));
            keyAbsorb = transposedKeys(kvB, s, heads);
            valueUp = valueRows(kvB, s, heads);
        }
        return new AttentionWeights.Latent(qA, qANorm, q, b.matrix(p + "attn_kv_a_mqa.weight", c.embd(), s.cacheWidth()),
                b.vector(p + "attn_kv_a_norm.weight", s.kvLoraRank()), keyAbsorb, valueUp,
                b.matrix(p + "attn_output.weight", heads * s.valueDim(), c.embd()));
    }

    private static DenseFfnWeights denseFfn(Binder b, ModelConfig c, String p, String suffix, int ff) {
        return new DenseFfnWeights(b.matrix(p + "ffn_gate" + suffix + ".weight", c.embd(), ff),
                b.matrix(p + "ffn_up" + suffix + ".weight", c.embd(), ff),
                b.matrix(p + "ffn_down" + suffix + ".weight", ff, c.embd()));
    }

    /**
     * The key rows of each head of {@code attn_kv_b} (rows h·(nope+value) ..+nope), transposed: per head a
     * matrix of kv_lora rows × nope columns, the form attn_k_b has in split files. Float sources stay F32
     * (exact); quantized ones become Q8_0, a quarter of F32's bytes, which decode reads for every token (on
     * DeepSeek-V3, 128 heads × 128 × 512 per layer: 2 GiB as F32 over 61 layers, 0.53 GiB as Q8_0), at a
     * rounding error of at most half a step of 1/127 of each 32 values' largest.
     */
    private static ExpertWeights transposedKeys(WeightMatrix kvB, LatentAttentionShape s, int heads) {
        int n = s.nopeDim(), cols = kvB.cols();
        boolean floats = kvB.type() == GgmlType.F32 || kvB.type() == GgmlType.F16 || kvB.type() == GgmlType.BF16;
        GgmlType type = floats || n % 32 != 0 ? GgmlType.F32 : GgmlType.Q8_0;
        long rowBytes = type.bytesFor(n);
        MemorySegment t = Arena.ofAuto().allocate((long) heads * cols * rowBytes, 64);
        float[] keys = new float[n * cols];   // one head's key rows, row-major [nope][kv_lora]
        float[] column = new float[n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                ScalarDequant.row(kvB.type(), kvB.data(), (long) (h * (n + s.valueDim()) + i) * kvB.rowBytes(), cols, keys, i * cols);
            }
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < n; i++) column[i] = keys[i * cols + j];
                WeightQuantizer.quantize(type, column, 0, n, t, ((long) h * cols + j) * rowBytes);
            }
        }
        return new ExpertWeights(t, type, n, cols, heads);
    }

    /** The value rows of each head of {@code attn_kv_b}, copied back to back (same type): attn_v_b's layout. */
    private static ExpertWeights valueRows(WeightMatrix kvB, LatentAttentionShape s, int heads) {
        long bytes = s.valueDim() * kvB.rowBytes();
        MemorySegment v = Arena.ofAuto().allocate(heads * bytes, 64);
        for (int h = 0; h < heads; h++) {
            long from = (long) (h * (s.nopeDim() + s.valueDim()) + s.nopeDim()) * kvB.rowBytes();
            MemorySegment.copy(kvB.data(), from, v, h * bytes, bytes);
        }
        return new ExpertWeights(v, kvB.type(), kvB.cols(), s.valueDim(), heads);
    }

    /**
     * Finds tensors, checks their shape and type, and slices their host data. Tensors placed on a GPU are
     * bound too: the GPU backend copies those bytes and recognises the matrix by where they start.
     */
    private record Binder(GgufModel model, TensorDataSource data) {

        WeightMatrix matrix(String name, int cols, int rows) {
            GgufTensorInfo t = checked(name, cols, rows);
            return new WeightMatrix(data.replicas(t), t.type(), cols, rows);   // one per NUMA replica under --numa-mirror all
        }

        ExpertWeights experts(String name, int cols, int rows, int experts) {
            GgufTensorInfo t = checked(name, cols, rows, experts);
            return new ExpertWeights(data.replicas(t), t.type(), cols, rows, experts);   // one per NUMA replica
        }

        float[] vector(String name, int n) {
            GgufTensorInfo t = checked(name, n);
            return ScalarDequant.row(t.type(), segment(t), 0, n);
        }

        private GgufTensorInfo checked(String name, long... shape) {
            GgufTensorInfo t = model.tensor(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new GgufFormatException(model.path(), "tensor '" + name + "' has shape [" + t.shapeText()
                        + "], the metadata implies [" + join(shape) + "]");
            }
            if (!ScalarDequant.supports(t.type())) {
                throw new UnsupportedModelException("tensor " + name + " has type " + t.type()
                        + ", which has no CPU kernel (supported: " + supportedTypes() + ")");
            }
            return t;
        }

        private MemorySegment segment(GgufTensorInfo t) {
            return data.segment(t);
        }

        private static String join(long[] shape) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ",").append(shape[i]);
            return b.toString();
        }

        private static String supportedTypes() {
            StringBuilder b = new StringBuilder();
            for (GgmlType type : GgmlType.values()) if (ScalarDequant.supports(type)) b.append(b.isEmpty() ? "" : ", ").append(type);
            return b.toString();
        }
    }
}
