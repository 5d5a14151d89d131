package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;
import dev.jmoe.host.gguf.TensorDataSource;
import dev.jmoe.host.kernel.ExpertWeights;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.host.kernel.WeightMatrix;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tensors of a llama-family model bound to their roles, each checked against the config's shape and
 * against the kernels (a type without a CPU kernel is named with its tensor). Nothing is copied but the
 * small norm vectors; the matrices are slices of {@code data}, which must outlive this object.
 *
 * @param output the output projection, or {@code tokenEmbd} where the model ties them
 */
public record ModelWeights(WeightMatrix tokenEmbd, List<LayerWeights> layers, float[] outputNorm, WeightMatrix output) {

    public static ModelWeights load(GgufModel model, ModelConfig c, TensorDataSource data, Placement placement) {
        Binder b = new Binder(model, data, placement);
        WeightMatrix embd = b.matrix("token_embd.weight", c.embd(), c.vocab());
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) layers.add(layer(b, c, "blk." + i + "."));
        WeightMatrix output = model.find("output.weight").isPresent() ? b.matrix("output.weight", c.embd(), c.vocab()) : embd;
        return new ModelWeights(embd, List.copyOf(layers), b.vector("output_norm.weight", c.embd()), output);
    }

    private static LayerWeights layer(Binder b, ModelConfig c, String p) {
        float[] qNorm = c.arch().qkNorm ? b.vector(p + "attn_q_norm.weight", c.keyLength()) : null;
        float[] kNorm = c.arch().qkNorm ? b.vector(p + "attn_k_norm.weight", c.keyLength()) : null;
        WeightMatrix q = b.matrix(p + "attn_q.weight", c.embd(), c.qDim());
        WeightMatrix k = b.matrix(p + "attn_k.weight", c.embd(), c.kDim());
        WeightMatrix v = b.matrix(p + "attn_v.weight", c.embd(), c.vDim());
        WeightMatrix out = b.matrix(p + "attn_output.weight", c.attnOutDim(), c.embd());
        float[] attnNorm = b.vector(p + "attn_norm.weight", c.embd());
        float[] ffnNorm = b.vector(p + "ffn_norm.weight", c.embd());
        if (c.isMoe()) {
            return new LayerWeights(attnNorm, q, k, v, qNorm, kNorm, out, ffnNorm,
                    b.matrix(p + "ffn_gate_inp.weight", c.embd(), c.experts()),
                    b.experts(p + "ffn_gate_exps.weight", c.embd(), c.expertFf(), c.experts()),
                    b.experts(p + "ffn_up_exps.weight", c.embd(), c.expertFf(), c.experts()),
                    b.experts(p + "ffn_down_exps.weight", c.expertFf(), c.embd(), c.experts()),
                    null, null, null);
        }
        return new LayerWeights(attnNorm, q, k, v, qNorm, kNorm, out, ffnNorm, null, null, null, null,
                b.matrix(p + "ffn_gate.weight", c.embd(), c.ff()),
                b.matrix(p + "ffn_up.weight", c.embd(), c.ff()),
                b.matrix(p + "ffn_down.weight", c.ff(), c.embd()));
    }

    /** Finds tensors, checks their shape, type and placement, and slices their data. */
    private record Binder(GgufModel model, TensorDataSource data, Placement placement) {

        WeightMatrix matrix(String name, int cols, int rows) {
            GgufTensorInfo t = checked(name, cols, rows);
            return new WeightMatrix(segment(t), t.type(), cols, rows);
        }

        ExpertWeights experts(String name, int cols, int rows, int experts) {
            GgufTensorInfo t = checked(name, cols, rows, experts);
            return new ExpertWeights(segment(t), t.type(), cols, rows, experts);
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
            Device d = placement.deviceOf(name);
            if (!d.isCpu()) throw new UnsupportedModelException("tensor " + name + " is placed on " + d + ", which has no backend here");
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
