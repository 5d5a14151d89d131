package dev.jmoe.host.model;

/**
 * What a tensor is for, by its GGUF name: the rows of the placement summary. The expert test is the
 * one {@link dev.jmoe.host.gguf.GgufTensorInfo#isExpert()} uses ({@code _exps} in the name).
 */
public enum TensorKind {
    EXPERTS("experts"),
    SHARED_EXPERTS("shared experts"),
    ATTENTION("attention"),
    DENSE_FFN("dense FFN"),
    NORMS_ROUTER("norms/router"),
    EMBEDDINGS_OUTPUT("embeddings/output"),
    /** Anything the names above do not cover (e.g. {@code rope_freqs.weight}); shown only when present. */
    OTHER("other");

    private final String label;

    TensorKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** N for a tensor of block N ({@code blk.N.*}), else -1 (the embedding, the output, and the rest). */
    public static int blockOf(String name) {
        if (!name.startsWith("blk.")) return -1;
        int end = name.indexOf('.', 4);
        if (end <= 4) return -1;
        try {
            return Integer.parseInt(name.substring(4, end));
        } catch (NumberFormatException notABlock) {
            return -1;
        }
    }

    /** The kind of the tensor called {@code name}; the order of the tests matters (a shared expert's router is a router). */
    public static TensorKind of(String name) {
        if (name.contains("_exps")) return EXPERTS;
        if (name.contains("_norm") || name.contains("ffn_gate_inp") || name.contains("exp_probs_b")) return NORMS_ROUTER;
        if (name.contains("_shexp")) return SHARED_EXPERTS;
        if (name.startsWith("token_embd") || name.startsWith("output.")) return EMBEDDINGS_OUTPUT;
        if (name.contains(".attn_")) return ATTENTION;
        if (name.contains(".ffn_")) return DENSE_FFN;
        return OTHER;
    }
}
