package dev.jmoe.host.model;

import dev.jmoe.host.gguf.GgufMetadata;
import dev.jmoe.host.gguf.GgufModel;

/**
 * The shape of a model, read from GGUF metadata ({@code {arch}.*} keys). Values the file may leave out take
 * the reference's defaults: key length = n_embd / heads, rope dimension = key length, vocabulary size = rows
 * of {@code token_embd}.
 *
 * @param ff            rows of the dense FFN's gate/up matrices (0 where no layer is dense)
 * @param contextLength the context the model was trained for
 * @param moe           the routed experts, or null for a dense model
 * @param mla           latent attention (deepseek2), or null for grouped-query attention
 * @param ropeScaling   YaRN, or null for plain RoPE
 */
public record ModelConfig(Architecture arch, int layers, int embd, int heads, int kvHeads, int keyLength,
                          int valueLength, int ropeDim, float ropeBase, float rmsEps, int ff, int contextLength,
                          int vocab, MoeShape moe, LatentAttentionShape mla, RopeScaling ropeScaling) {

    public ModelConfig {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new UnsupportedModelException(heads + " query heads cannot share " + kvHeads + " kv heads evenly");
        }
        if (ropeDim > keyLength || ropeDim % 2 != 0) {
            throw new UnsupportedModelException("rope dimension " + ropeDim + " does not fit key length " + keyLength);
        }
    }

    public static ModelConfig from(GgufModel model) {
        GgufMetadata md = model.metadata();
        Architecture arch = Architecture.of(md.getString("general.architecture"));
        String p = arch.ggufName + ".";
        int embd = md.getInt(p + "embedding_length");
        int heads = md.getInt(p + "attention.head_count");
        int vocab = md.getInt(p + "vocab_size", (int) model.tensor("token_embd.weight").dim(1));
        int ropeDimDefault;
        int kvHeads, keyLength, valueLength;
        LatentAttentionShape mla = null;
        if (arch.latentAttention) {
            // Files with attn_k_b/attn_v_b describe the absorbed form (one kv head of kv_lora + rope values) and
            // keep the per-head sizes under *_mla; files with one attn_kv_b give the per-head sizes directly.
            keyLength = md.getInt(p + "attention.key_length_mla", md.getInt(p + "attention.key_length"));
            valueLength = md.getInt(p + "attention.value_length_mla", md.getInt(p + "attention.value_length"));
            int rope = md.getInt(p + "rope.dimension_count");
            mla = new LatentAttentionShape(md.getInt(p + "attention.q_lora_rank", 0), md.getInt(p + "attention.kv_lora_rank"),
                    keyLength - rope, rope, valueLength);
            kvHeads = heads;
            ropeDimDefault = rope;
        } else {
            kvHeads = md.getInt(p + "attention.head_count_kv", heads);
            keyLength = md.getInt(p + "attention.key_length", embd / heads);
            valueLength = md.getInt(p + "attention.value_length", keyLength);
            ropeDimDefault = keyLength;
        }
        return new ModelConfig(arch, md.getInt(p + "block_count"), embd, heads, kvHeads, keyLength, valueLength,
                md.getInt(p + "rope.dimension_count", ropeDimDefault), md.getFloat(p + "rope.freq_base", 10000f),
                md.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f), md.getInt(p + "feed_forward_length", 0),
                md.getInt(p + "context_length", 4096), vocab, moe(md, p, arch), mla, ropeScaling(md, p, arch));
    }

    private static MoeShape moe(GgufMetadata md, String p, Architecture arch) {
        int experts = md.getInt(p + "expert_count", 0);
        if (experts == 0) return null;
        int used = md.getInt(p + "expert_used_count", 0);
        RouterSpec router = RouterSpec.softmaxTopK(used);
        if (arch == Architecture.DEEPSEEK2) {
            // expert_gating_func: 1 softmax (V2), 2 sigmoid (V3); files from before the key are softmax.
            int gating = md.getInt(p + "expert_gating_func", 1);
            if (gating != 1 && gating != 2) throw new UnsupportedModelException(p + "expert_gating_func " + gating + " is not softmax (1) or sigmoid (2)");
            int groups = Math.max(1, md.getInt(p + "expert_group_count", 1));
            router = new RouterSpec(gating == 2 ? RouterSpec.Gating.SIGMOID : RouterSpec.Gating.SOFTMAX, used,
                    md.contains(p + "expert_weights_norm") && md.getBool(p + "expert_weights_norm"),
                    md.getFloat(p + "expert_weights_scale", 1f), groups, Math.max(1, md.getInt(p + "expert_group_used_count", groups)));
        }
        int ff = md.getInt(p + "feed_forward_length", 0);
        return new MoeShape(experts, md.getInt(p + "expert_feed_forward_length", ff), md.getInt(p + "expert_shared_count", 0),
                md.getInt(p + "leading_dense_block_count", 0), router);
    }

    private static RopeScaling ropeScaling(GgufMetadata md, String p, Architecture arch) {
        String type = md.findString(p + "rope.scaling.type").orElse("none");
        if (type.equals("none")) return null;
        if (!type.equals("yarn") || arch != Architecture.DEEPSEEK2) {
            throw new UnsupportedModelException(p + "rope.scaling.type " + type + " is not supported for " + arch.ggufName
                    + " (supported: yarn for deepseek2)");
        }
        return new RopeScaling(md.getFloat(p + "rope.scaling.factor"), md.getInt(p + "rope.scaling.original_context_length"),
                md.getFloat(p + "rope.scaling.yarn_log_multiplier", 0f));
    }

    public boolean isMoe() {
        return moe != null;
    }

    /** Whether layer {@code l} routes to experts (a MoE model's leading layers may be dense). */
    public boolean isMoeLayer(int l) {
        return moe != null && moe.isMoeLayer(l);
    }

    /** Routed experts per layer, 0 for a dense model. */
    public int experts() {
        return moe == null ? 0 : moe.experts();
    }

    public int expertsUsed() {
        return moe == null ? 0 : moe.router().used();
    }

    public int expertFf() {
        return moe == null ? 0 : moe.expertFf();
    }

    /** Width of all query heads together. */
    public int qDim() {
        return heads * keyLength;
    }

    /** Width of all kv heads' keys together (one cache row; for latent attention the compressed row). */
    public int kDim() {
        return mla != null ? mla.cacheWidth() : kvHeads * keyLength;
    }

    /** Width of one cache row of values (0 for latent attention: its values are the keys' compressed part). */
    public int vDim() {
        return mla != null ? 0 : kvHeads * valueLength;
    }

    /** Width of all heads' attention outputs (the input of {@code attn_output}). */
    public int attnOutDim() {
        return heads * valueLength;
    }
}
