package dev.jmoe.host.synth;

import dev.jmoe.host.model.Architecture;

/**
 * The shape of a synthetic MoE model: what {@code jmoe synth} takes on its command line.
 *
 * @param expertFf rows of one expert's gate/up matrices
 * @param headDim  key and value length of one head
 */
public record SynthSpec(Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                        int heads, int kvHeads, int headDim, int vocab, int contextLength, SynthType type, long seed) {
    public SynthSpec {
        if (arch != Architecture.QWEN3MOE && arch != Architecture.LLAMA) {
            throw new IllegalArgumentException("synth writes qwen3moe or llama (Mixtral-style) MoE models, not " + arch.ggufName);
        }
        positive("n-embd", embd);
        positive("layers", layers);
        positive("experts", experts);
        positive("expert-ff", expertFf);
        positive("heads", heads);
        positive("heads-kv", kvHeads);
        positive("head-dim", headDim);
        positive("context", contextLength);
        if (expertsUsed < 1 || expertsUsed > experts) throw new IllegalArgumentException("experts-used must be 1.." + experts + ", got " + expertsUsed);
        if (heads % kvHeads != 0) throw new IllegalArgumentException(heads + " heads cannot share " + kvHeads + " kv heads evenly");
        if (headDim % 2 != 0) throw new IllegalArgumentException("head-dim must be even (RoPE rotates pairs), got " + headDim);
        if (vocab < SynthVocabulary.MIN_SIZE) throw new IllegalArgumentException("vocab must be at least " + SynthVocabulary.MIN_SIZE + " (256 bytes + end of text), got " + vocab);
        if (embd % 32 != 0 || expertFf % 32 != 0) throw new IllegalArgumentException("n-embd and expert-ff must be multiples of 32 (the quantization block)");
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, got " + v);
    }

    /** Parameters of all routed experts together (gate, up and down of every expert of every layer). */
    public long expertParams() {
        return 3L * layers * experts * embd * expertFf;
    }
}
