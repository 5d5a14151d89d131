package dev.jmoe.cli;

import dev.jmoe.host.model.Architecture;
import dev.jmoe.host.synth.SynthLatent;
import dev.jmoe.host.synth.SynthModelWriter;
import dev.jmoe.host.synth.SynthPreset;
import dev.jmoe.host.synth.SynthSpec;
import dev.jmoe.host.synth.SynthType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jmoe synth}: writes a model of real shapes with seeded random weights, so speed and memory can be
 * measured before downloading the real one (and other engines can load the same file).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Writes a synthetic MoE model (random weights, real tensor shapes, a small byte-level BPE vocabulary) as GGUF.")
public final class SynthCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The GGUF file to write.")
    Path output;

    @Option(names = "--like", defaultValue = "speed", paramLabel = "MODEL",
            description = "Start from a released model's shape: qwen3-30b-a3b, qwen3-235b-a22b, mixtral-8x7b, deepseek-v3, "
                    + "deepseek-v2-lite, or speed (n_embd 1024, 8 layers, 32 experts of ff 512, 4 used; the default). "
                    + "Flags below override single dimensions.")
    String like;

    @Option(names = "--arch", paramLabel = "ARCH", description = "qwen3moe or llama (Mixtral-style) (default: from --like).")
    String arch;

    @Option(names = "--n-embd", paramLabel = "N", description = "Embedding width (default: from --like).")
    Integer embd;

    @Option(names = "--layers", paramLabel = "N", description = "Layers (default: from --like).")
    Integer layers;

    @Option(names = "--experts", paramLabel = "N", description = "Routed experts per layer (default: from --like).")
    Integer experts;

    @Option(names = "--experts-used", paramLabel = "N", description = "Experts per token (default: from --like).")
    Integer expertsUsed;

    @Option(names = "--expert-ff", paramLabel = "N", description = "Rows of one expert's gate/up (default: from --like).")
    Integer expertFf;

    @Option(names = "--heads", paramLabel = "N", description = "Query heads (default: from --like).")
    Integer heads;

    @Option(names = "--heads-kv", paramLabel = "N", description = "Key/value heads (default: from --like).")
    Integer kvHeads;

    @Option(names = "--head-dim", paramLabel = "N", description = "Head size (default: from --like).")
    Integer headDim;

    @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size, at least 257 (default: from --like).")
    Integer vocab;

    @Option(names = "--ctx", paramLabel = "N", description = "Trained context length written to the metadata (default: from --like).")
    Integer context;

    @Option(names = "--ff", paramLabel = "N", description = "deepseek2: rows of the leading dense layers' gate/up (default: from --like).")
    Integer denseFf;

    @Option(names = "--leading-dense", paramLabel = "N", description = "deepseek2: dense layers before the MoE ones (default: from --like).")
    Integer leadingDense;

    @Option(names = "--q-lora-rank", paramLabel = "N", description = "deepseek2: query bottleneck, 0 for a plain attn_q (default: from --like).")
    Integer qLoraRank;

    @Option(names = "--kv-lora-rank", paramLabel = "N", description = "deepseek2: compressed key/value width (default: from --like).")
    Integer kvLoraRank;

    @Option(names = "--type", defaultValue = "q4_k_m", paramLabel = "TYPE", description = "q4_k_m, q8_0, q5_0, q4_0, iq4_xs, iq4_nl or f32 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SynthPreset p = SynthPreset.parse(like);
        int h = or(heads, p.heads);
        // Latent attention has no kv heads of its own: every head reads the one compressed row.
        int kv = p.latent != null ? h : or(kvHeads, p.kvHeads);
        SynthSpec s = new SynthSpec(arch == null ? p.arch : Architecture.of(arch), or(embd, p.embd), or(layers, p.layers),
                or(experts, p.experts), or(expertsUsed, p.expertsUsed), or(expertFf, p.expertFf), h, kv,
                or(headDim, p.headDim), or(vocab, p.vocab), or(context, p.contextLength), SynthType.parse(type), seed,
                latent(p.latent));
        SynthModelWriter.Report r = SynthModelWriter.write(s, output);
        spec.commandLine().getOut().printf(Locale.ROOT, "synth: wrote %s: %.1f MB (experts %.1f MB), %.1f M params, %s, in %.2f s%n",
                r.file(), r.fileBytes() / 1e6, r.expertBytes() / 1e6, r.params() / 1e6, s.type().name().toLowerCase(Locale.ROOT), r.seconds());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private SynthLatent latent(SynthLatent preset) {
        if (preset == null) {
            if (denseFf != null || leadingDense != null || qLoraRank != null || kvLoraRank != null) {
                throw new IllegalArgumentException("--ff, --leading-dense, --q-lora-rank and --kv-lora-rank are for deepseek2 shapes "
                        + "(--like deepseek-v3 or deepseek-v2-lite)");
            }
            return null;
        }
        return preset.withRanks(or(qLoraRank, preset.qLoraRank()), or(kvLoraRank, preset.kvLoraRank()))
                .withDense(or(leadingDense, preset.leadingDense()), or(denseFf, preset.denseFf()));
    }

    private static int or(Integer given, int preset) {
        return given != null ? given : preset;
    }
}
