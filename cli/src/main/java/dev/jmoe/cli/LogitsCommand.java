package dev.jmoe.cli;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jmoe logits}: evaluates token ids as one sequence and writes the logits at every position, float32
 * little-endian {@code [n_tokens][n_vocab]}: the tool for checking the forward pass against other engines.
 */
@Command(name = "logits", description = "Evaluates token ids as one batch and writes the logits at every position "
        + "(float32 little-endian, [n_tokens][n_vocab]) to a file; prompt speed on stderr.")
public final class LogitsCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "The GGUF model file.")
    Path model;

    @Option(names = "--tokens", required = true, split = ",", paramLabel = "IDS", description = "Token ids, comma separated.")
    int[] tokens;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the logits.")
    Path output;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        EngineOptions options = engineFlags.toOptions(tokens.length);
        try (Engine engine = Engine.load(model, options)) {
            Session session = engine.newSession();
            long start = System.nanoTime();
            float[] logits = session.evaluateAll(tokens);
            double seconds = (System.nanoTime() - start) / 1e9;
            write(logits, session.vocabSize(), output);
            spec.commandLine().getErr().printf(Locale.ROOT, "logits: %d tokens x %d vocab in %.3f s (%.1f tokens/s), written to %s%n",
                    tokens.length, session.vocabSize(), seconds, tokens.length / seconds, output);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    /** Row by row, so outputs beyond 2 GiB need no single buffer that large. */
    private static void write(float[] logits, int vocab, Path file) throws IOException {
        ByteBuffer row = ByteBuffer.allocate(vocab * 4).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int t = 0; t < logits.length / vocab; t++) {
                row.clear();
                row.asFloatBuffer().put(logits, t * vocab, vocab);
                out.write(row.array());
            }
        }
    }
}
