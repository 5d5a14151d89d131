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
    SPEED("speed", Architecture.QWEN3MOE, 1024, 8, 32, 4, 512, 16, 4, 64, 32000, 32768);

    public final String label;
    public final Architecture arch;
    public final int embd, layers, experts, expertsUsed, expertFf, heads, kvHeads, headDim, vocab, contextLength;

    SynthPreset(String label, Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                int heads, int kvHeads, int headDim, int vocab, int contextLength) {
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
