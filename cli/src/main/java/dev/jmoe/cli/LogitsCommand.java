package dev.jmoe.cli;

import dev.jmoe.host.engine.CacheType;
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

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Worker threads (default: all CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N", description = "Context size (default: the number of tokens).")
    int context;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "Logical batch size (default 2048).")
    int batch = 2048;

    @Option(names = {"-ub", "--ubatch-size"}, paramLabel = "N", description = "Micro-batch: tokens per forward pass (default 512).")
    int ubatch = 512;

    @Option(names = {"-ctk", "--cache-type-k"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for keys: f16 (default), f32, q8_0.")
    CacheType cacheK = CacheType.F16;

    @Option(names = {"-ctv", "--cache-type-v"}, paramLabel = "TYPE", converter = CacheTypeConverter.class,
            description = "KV cache type for values: f16 (default), f32, q8_0.")
    CacheType cacheV = CacheType.F16;

    @CommandLine.Mixin
    LoadFlags loadFlags = new LoadFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (context < 0) throw new IllegalArgumentException("-c must not be negative, got " + context);
        EngineOptions options = new EngineOptions(threads, context > 0 ? context : tokens.length, batch, ubatch,
                cacheK, cacheV, loadFlags.toOptions());
        try (Engine engine = Engine.load(model, options)) {
            Session session = engine.newSession();
            long start = System.nanoTime();
            float[] logits = session.evaluateAll(tokens);
            double seconds = (System.nanoTime() - start) / 1e9;
            write(logits, output);
            spec.commandLine().getErr().printf(Locale.ROOT, "logits: %d tokens x %d vocab in %.3f s (%.1f tokens/s), written to %s%n",
                    tokens.length, session.vocabSize(), seconds, tokens.length / seconds, output);
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    private static void write(float[] logits, Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(logits.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(logits);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes.array());
        }
    }

    static final class CacheTypeConverter implements CommandLine.ITypeConverter<CacheType> {
        @Override
        public CacheType convert(String value) {
            return CacheType.parse(value);
        }
    }
}
