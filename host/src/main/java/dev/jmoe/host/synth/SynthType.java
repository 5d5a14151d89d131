package dev.jmoe.host.synth;

import dev.jmoe.host.gguf.GgmlType;

/**
 * The file types synth writes, with their llama.cpp {@code general.file_type} number and which GGML type
 * each tensor gets. Q4_K_M follows the reference's mix: Q6_K for the output matrix and, in the layers that
 * get more bits (the first and last eighth and every third between), for attn_v and ffn_down; Q4_K elsewhere.
 * IQ4_NL and IQ4_XS follow the reference's mix for MoE models as far as this writer has quantizers: Q6_K for the
 * output matrix, Q8_0 for attn_k and attn_v, the grid type elsewhere (the reference's Q5_K attn_output stays in
 * the grid type here).
 */
public enum SynthType {
    F32(0),
    Q4_0(2),
    Q8_0(7),
    Q5_0(8),
    Q4_K_M(15),
    IQ4_NL(25),
    IQ4_XS(30);

    public final int fileType;

    SynthType(int fileType) {
        this.fileType = fileType;
    }

    public static SynthType parse(String text) {
        for (SynthType t : values()) if (t.name().equalsIgnoreCase(text)) return t;
        throw new IllegalArgumentException("unknown type '" + text + "' (expected f32, q4_0, q5_0, q8_0, q4_k_m, iq4_nl or iq4_xs)");
    }

    /** The type of a 2-D weight named {@code role} (e.g. "attn_v", "ffn_down_exps", "output") in {@code layer} of {@code layers}. */
    GgmlType weightType(String role, int layer, int layers, int cols) {
        GgmlType wanted = switch (this) {
            case F32 -> GgmlType.F32;
            case Q4_0 -> GgmlType.Q4_0;
            case Q5_0 -> GgmlType.Q5_0;
            case Q8_0 -> GgmlType.Q8_0;
            case Q4_K_M -> moreBits(role, layer, layers) ? GgmlType.Q6_K : GgmlType.Q4_K;
            case IQ4_NL, IQ4_XS -> role.equals("output") ? GgmlType.Q6_K
                    : role.equals("attn_k") || role.equals("attn_v") ? GgmlType.Q8_0
                    : this == IQ4_NL ? GgmlType.IQ4_NL : GgmlType.IQ4_XS;
        };
        return fitting(wanted, cols);
    }

    private static boolean moreBits(String role, int layer, int layers) {
        if (role.equals("output")) return true;
        if (!role.equals("attn_v") && !role.startsWith("ffn_down")) return false;
        int eighth = layers / 8;
        return layer < eighth || layer >= layers - eighth || (layer - eighth) % 3 == 2;
    }

    /**
     * Rows that are not whole blocks fall back as the reference does: IQ4_XS to IQ4_NL, the other 256-block types
     * to Q8_0; to F32 below 32.
     */
    private static GgmlType fitting(GgmlType type, int cols) {
        if (cols % type.blockSize == 0) return type;
        if (type == GgmlType.IQ4_XS) return fitting(GgmlType.IQ4_NL, cols);
        return cols % GgmlType.Q8_0.blockSize == 0 ? GgmlType.Q8_0 : GgmlType.F32;
    }
}
