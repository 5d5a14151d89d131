package dev.jmoe.cli;

import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.sample.Sampler;
import dev.jmoe.host.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code jmoe run}: completes a prompt, streaming the text as it is generated (llama.cpp's {@code llama-cli -no-cnv}
 * / {@code llama-simple}): BOS where the vocabulary adds one, special tokens in the prompt parsed, generation until
 * an end-of-generation token, {@code -n} tokens or a full context; timings on stderr.
 */
@Command(name = "run", description = "Generates text from a prompt, streaming it to stdout; timings on stderr. "
        + "Without -m it runs the bundled demo model.")
public final class RunCommand implements Callable<Integer> {
    static final int DEFAULT_CONTEXT = 4096;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The GGUF model file (default: the demo model).")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "PROMPT", description = "The prompt.")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens to generate; -1 = until end of generation or a full context (default -1).")
    int predict = -1;

    @Option(names = "--no-display-prompt", description = "Do not echo the prompt before the generated text.")
    boolean noDisplayPrompt;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @CommandLine.Mixin
    SamplingFlags samplingFlags = new SamplingFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (predict < -1) throw new CommandLine.ParameterException(spec.commandLine(), "-n must be -1 (no limit) or more, got " + predict);
        if (prompt.isEmpty()) throw new IllegalArgumentException("the prompt is empty (-p)");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path path = DemoFallback.modelOrDemo(model, err);
        try (Engine engine = Engine.load(path, engineFlags.toOptions(DEFAULT_CONTEXT))) {
            engineFlags.warmUp(engine);
            Tokenizer tokenizer = Tokenizer.of(engine.model());
            int[] tokens = tokenizer.encode(prompt, true, true);
            if (tokens.length == 0) throw new IllegalArgumentException("the prompt gives no tokens (-p)");
            Session session = engine.newSession();
            Sampler sampler = new Sampler(samplingFlags.toConfig(spec, session.contextSize()));
            Generator generator = new Generator(session, tokenizer, sampler, engineFlags.batch);
            float[] logits = generator.prefill(tokens);
            if (!noDisplayPrompt) {
                out.print(prompt);
                out.flush();
            }
            Generator.Output result = generator.generate(logits, predict, out);
            out.println();
            out.flush();
            if (result.stop() == Generator.Stop.CONTEXT_FULL) err.println("jmoe run: context full (" + session.contextSize() + " tokens, see -c)");
            if (!sampler.config().isGreedy()) err.println("seed: " + sampler.seed());
            generator.printTimings(err);
            engine.transferSummary().ifPresent(err::println);
        }
        return 0;
    }
}
