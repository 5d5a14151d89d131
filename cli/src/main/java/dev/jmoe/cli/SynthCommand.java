package dev.jmoe.cli;

import dev.jmoe.host.model.Architecture;
import dev.jmoe.host.synth.SynthModelWriter;
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

    @Option(names = "--arch", defaultValue = "qwen3moe", paramLabel = "ARCH", description = "qwen3moe or llama (Mixtral-style) (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--n-embd", defaultValue = "1024", paramLabel = "N", description = "Embedding width (default: ${DEFAULT-VALUE}).")
    int embd;

    @Option(names = "--layers", defaultValue = "8", paramLabel = "N", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--experts", defaultValue = "32", paramLabel = "N", description = "Routed experts per layer (default: ${DEFAULT-VALUE}).")
    int experts;

    @Option(names = "--experts-used", defaultValue = "4", paramLabel = "N", description = "Experts per token (default: ${DEFAULT-VALUE}).")
    int expertsUsed;

    @Option(names = "--expert-ff", defaultValue = "512", paramLabel = "N", description = "Rows of one expert's gate/up (default: ${DEFAULT-VALUE}).")
    int expertFf;

    @Option(names = "--heads", defaultValue = "16", paramLabel = "N", description = "Query heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--heads-kv", defaultValue = "4", paramLabel = "N", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--head-dim", defaultValue = "64", paramLabel = "N", description = "Head size (default: ${DEFAULT-VALUE}).")
    int headDim;

    @Option(names = "--vocab", defaultValue = "32000", paramLabel = "N", description = "Vocabulary size, at least 257 (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--ctx", defaultValue = "32768", paramLabel = "N", description = "Trained context length written to the metadata (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--type", defaultValue = "q4_k_m", paramLabel = "TYPE", description = "q4_k_m, q8_0, q4_0 or f32 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SynthSpec s = new SynthSpec(Architecture.of(arch), embd, layers, experts, expertsUsed, expertFf, heads, kvHeads, headDim,
                vocab, context, SynthType.parse(type), seed);
        SynthModelWriter.Report r = SynthModelWriter.write(s, output);
        spec.commandLine().getOut().printf(Locale.ROOT, "synth: wrote %s: %.1f MB (experts %.1f MB), %.1f M params, %s, in %.2f s%n",
                r.file(), r.fileBytes() / 1e6, r.expertBytes() / 1e6, r.params() / 1e6, s.type().name().toLowerCase(Locale.ROOT), r.seconds());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
