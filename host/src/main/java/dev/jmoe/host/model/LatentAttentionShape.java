package dev.jmoe.host.model;

/**
 * DeepSeek's multi-head latent attention (MLA): queries through a low-rank bottleneck ({@code qLoraRank}, 0
 * for a plain {@code attn_q}), keys and values compressed to {@code kvLoraRank} values per token plus one
 * rotary key of {@code ropeDim} values shared by all heads. Each head's key is {@code [nope | rope]}, its
 * value {@code valueDim} wide.
 */
public record LatentAttentionShape(int qLoraRank, int kvLoraRank, int nopeDim, int ropeDim, int valueDim) {
    public LatentAttentionShape {
        if (kvLoraRank <= 0 || nopeDim <= 0 || ropeDim <= 0 || ropeDim % 2 != 0 || valueDim <= 0) {
            throw new UnsupportedModelException("latent attention: kv_lora_rank " + kvLoraRank + ", key " + nopeDim + "+" + ropeDim
                    + " (rope), value " + valueDim + " is not a usable shape");
        }
    }

    /** Values cached per token and layer: the compressed c and the rotary key. */
    public int cacheWidth() {
        return kvLoraRank + ropeDim;
    }

    public int keyLength() {
        return nopeDim + ropeDim;
    }
}
