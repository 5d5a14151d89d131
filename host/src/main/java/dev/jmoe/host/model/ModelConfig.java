package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgufMetadata;
import dev.jmoe.host.gguf.GgufModel;

/**
 * The shape of a llama-family model, read from GGUF metadata ({@code {arch}.*} keys). Values the file may
 * leave out take the reference's defaults: key length = n_embd / heads, rope dimension = key length,
 * vocabulary size = rows of {@code token_embd}.
 *
 * @param experts     routed experts per layer (0 for a dense FFN)
 * @param expertFf    rows of one expert's gate/up matrices
 * @param contextLength the context the model was trained for
 */
public record ModelConfig(Architecture arch, int layers, int embd, int heads, int kvHeads, int keyLength,
                          int valueLength, int ropeDim, float ropeBase, float rmsEps, int experts, int expertsUsed,
                          int expertFf, int ff, int contextLength, int vocab) {

    public ModelConfig {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new UnsupportedModelException(heads + " query heads cannot share " + kvHeads + " kv heads evenly");
        }
        if (ropeDim > keyLength || ropeDim % 2 != 0) {
            throw new UnsupportedModelException("rope dimension " + ropeDim + " does not fit key length " + keyLength);
        }
        if (experts > 0 && (expertsUsed <= 0 || expertsUsed > experts)) {
            throw new UnsupportedModelException(expertsUsed + " experts used per token of " + experts);
        }
    }

    public static ModelConfig from(GgufModel model) {
        GgufMetadata md = model.metadata();
        Architecture arch = Architecture.of(md.getString("general.architecture"));
        String p = arch.ggufName + ".";
        int embd = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        int kvHeads = md.getInt(p + "attention.head_count_kv", heads);
        int keyLength = md.getInt(p + "attention.key_length", embd / heads);
        int experts = md.getInt(p + "expert_count", 0);
        int ff = md.getInt(p + "feed_forward_length", 0);
        int vocab = md.getInt(p + "vocab_size", (int) model.tensor("token_embd.weight").dim(1));
        return new ModelConfig(arch, md.getInt(p + "block_count"), embd, heads, kvHeads, keyLength,
                md.getInt(p + "attention.value_length", keyLength), md.getInt(p + "rope.dimension_count", keyLength),
                md.getFloat(p + "rope.freq_base", 10000f), md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f),
                experts, md.getInt(p + "expert_used_count", 0), md.getInt(p + "expert_feed_forward_length", ff), ff,
                md.getInt(p + "context_length", 4096), vocab);
    }

    public boolean isMoe() {
        return experts > 0;
    }

    /** Width of all query heads together. */
    public int qDim() {
        return heads * keyLength;
    }

    /** Width of all kv heads' keys together (one cache row). */
    public int kDim() {
        return kvHeads * keyLength;
    }

    public int vDim() {
        return kvHeads * valueLength;
    }

    /** Width of all heads' attention outputs (the input of {@code attn_output}). */
    public int attnOutDim() {
        return heads * valueLength;
    }
}
