package dev.jmoe.host.synth;

import dev.jmoe.host.model.Architecture;

/**
 * The shape of a synthetic MoE model: what {@code jmoe synth} takes on its command line.
 *
 * @param expertFf rows of one expert's gate/up matrices
 * @param headDim  key and value length of one head (deepseek2: ignored, the latent part says)
 * @param latent   the deepseek2 part; null for the llama family
 */
public record SynthSpec(Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                        int heads, int kvHeads, int headDim, int vocab, int contextLength, SynthType type, long seed,
                        SynthLatent latent) {
    public SynthSpec {
        if (arch != Architecture.QWEN3MOE && arch != Architecture.LLAMA && arch != Architecture.DEEPSEEK2) {
            throw new IllegalArgumentException("synth writes qwen3moe, llama (Mixtral-style) or deepseek2 MoE models, not " + arch.ggufName);
        }
        if ((arch == Architecture.DEEPSEEK2) != (latent != null)) {
            throw new IllegalArgumentException("deepseek2 needs its latent-attention shape (--like deepseek-v3 or deepseek-v2-lite), and only it");
        }
        if (latent != null && experts % latent.groups() != 0) {
            throw new IllegalArgumentException(experts + " experts do not split into " + latent.groups() + " expert groups");
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

    /** A llama-family spec (no latent part). */
    public SynthSpec(Architecture arch, int embd, int layers, int experts, int expertsUsed, int expertFf,
                     int heads, int kvHeads, int headDim, int vocab, int contextLength, SynthType type, long seed) {
        this(arch, embd, layers, experts, expertsUsed, expertFf, heads, kvHeads, headDim, vocab, contextLength, type, seed, null);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, got " + v);
    }

    /** Parameters of all routed experts together (gate, up and down of every expert of every layer). */
    public long expertParams() {
        int moeLayers = latent == null ? layers : Math.max(0, layers - latent.leadingDense());
        return 3L * moeLayers * experts * embd * expertFf;
    }
}
