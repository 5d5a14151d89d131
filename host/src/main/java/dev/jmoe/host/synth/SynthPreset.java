package dev.jmoe.host.synth;

import dev.jmoe.host.model.Architecture;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Shapes of released MoE models ({@code jmoe synth --like NAME}), from their published GGUF metadata;
 * every dimension can still be overridden on the command line (e.g. fewer layers).
 */
public enum SynthPreset {
    QWEN3_30B_A3B("qwen3-30b-a3b", Architecture.QWEN3MOE, 2048, 48, 128, 8, 768, 32, 4, 128, 151936, 40960),
    QWEN3_235B_A22B("qwen3-235b-a22b", Architecture.QWEN3MOE, 4096, 94, 128, 8, 1536, 64, 4, 128, 151936, 40960),
    MIXTRAL_8X7B("mixtral-8x7b", Architecture.LLAMA, 4096, 32, 8, 2, 14336, 32, 8, 128, 32000, 32768),
    /** The speed shape of the engine issue: about 430 MB of experts at Q8_0. */
    SPEED("speed", Architecture.QWEN3MOE, 1024, 8, 32, 4, 512, 16, 4, 64, 32000, 32768),
    /** DeepSeek-V3/R1 (671B): 256 experts in 8 groups, sigmoid routing, 3 dense layers, YaRN ×40. */
    DEEPSEEK_V3("deepseek-v3", 7168, 61, 256, 8, 2048, 128, 129280, 163840,
            new SynthLatent(1536, 512, 128, 64, 128, 1, 3, 18432, 8, 4, true, true, 2.5f, 40f, 4096, 0.1f)),
    /** DeepSeek-V2-Lite (16B): a plain attn_q, softmax routing without renormalising, two shared experts. */
    DEEPSEEK_V2_LITE("deepseek-v2-lite", 2048, 27, 64, 6, 1408, 16, 102400, 163840,
            new SynthLatent(0, 512, 128, 64, 128, 2, 1, 10944, 1, 1, false, false, 1f, 40f, 4096, 0.0707f));

    public final String label;
    public final Architecture arch;
    public final int embd, layers, experts, expertsUsed, expertFf, heads, kvHeads, headDim, vocab, contextLength;
    /** The deepseek2 part, null for the llama family. */
    public final SynthLatent latent;

    SynthPreset(String label, int embd, int layers, int experts, int expertsUsed, int expertFf, int heads, int vocab,
                int contextLength, SynthLatent latent) {
        this(label, Architecture.DEEPSEEK2, embd, layers, experts, expertsUsed, expertFf, heads, heads,
                latent.nopeDim() + latent.ropeDim(), vocab, contextLength, latent);
    }

    SynthPreset(String label, Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                int heads, int kvHeads, int headDim, int vocab, int contextLength) {
        this(label, arch, embd, layers, experts, expertsUsed, expertFf, heads, kvHeads, headDim, vocab, contextLength, null);
    }

    SynthPreset(String label, Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                int heads, int kvHeads, int headDim, int vocab, int contextLength, SynthLatent latent) {
        this.latent = latent;
        this.label = label;
        this.arch = arch;
        this.embd = embd;
        this.layers = layers;
        this.experts = experts;
        this.expertsUsed = expertsUsed;
        this.expertFf = expertFf;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.vocab = vocab;
        this.contextLength = contextLength;
    }

    public static SynthPreset parse(String text) {
        for (SynthPreset p : values()) if (p.label.equals(text.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown model shape '" + text + "' (known: "
                + Arrays.stream(values()).map(p -> p.label).collect(Collectors.joining(", ")) + ")");
    }
}
