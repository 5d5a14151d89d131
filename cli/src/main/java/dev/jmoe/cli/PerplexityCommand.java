package dev.jmoe.cli;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.eval.NllStatistics;
import dev.jmoe.host.eval.Perplexity;
import dev.jmoe.host.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jmoe perplexity}: llama-perplexity's measurement (see {@link Perplexity}) with its output: the running
 * value after each chunk ({@code [1]12.3456,[2]...}) and a final estimate with its standard error.
 */
@Command(name = "perplexity", description = "Measures perplexity on a text file the way llama-perplexity does "
        + "(chunks of -c tokens, second half of each scored).")
public final class PerplexityCommand implements Callable<Integer> {
    static final int DEFAULT_CONTEXT = 512;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "The GGUF model file.")
    Path model;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "TEXT", description = "The text file (UTF-8).")
    Path file;

    @Option(names = "--chunks", paramLabel = "N", description = "Score at most N chunks; -1 = all (default -1).")
    int chunks = -1;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String text = read(file);
        int context = engineFlags.context > 0 ? engineFlags.context : DEFAULT_CONTEXT;
        try (Engine engine = Engine.load(model, engineFlags.toOptions(DEFAULT_CONTEXT))) {
            engineFlags.warmUp(engine);
            Tokenizer tokenizer = Tokenizer.of(engine.model());
            int[] tokens = tokenizer.encode(text, true, false); // as llama-perplexity: special-token text in the file stays text
            Perplexity perplexity = new Perplexity(context, Math.min(engineFlags.batch, context), tokenizer.addsBos() ? tokenizer.bos() : -1);
            perplexity.requireEnough(tokens.length);
            int n = perplexity.chunks(tokens.length, chunks);
            err.printf(Locale.ROOT, "perplexity: %d tokens, calculating over %d chunks, n_ctx=%d, batch_size=%d%n",
                    tokens.length, n, context, perplexity.batch());
            err.flush();
            long start = System.nanoTime();
            NllStatistics stats = perplexity.measure(engine.newSession(), tokens, chunks, (s, chunk) -> {
                out.printf(Locale.ROOT, "[%d]%.4f,", chunk, s.perplexity());
                out.flush();
            });
            out.println();
            out.printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", stats.perplexity(), stats.perplexityError());
            out.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "perplexity: %d chunks of %d tokens in %.2f s (%.1f tokens/s)%n", n, context, seconds, n * context / seconds);
            err.flush();
        }
        return 0;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        }
    }
}
