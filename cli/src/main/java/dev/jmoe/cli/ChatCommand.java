package dev.jmoe.cli;

import dev.jmoe.host.chat.ChatTemplate;
import dev.jmoe.host.chat.ChatTemplates;
import dev.jmoe.host.chat.Message;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.sample.Sampler;
import dev.jmoe.host.tokenizer.Tokenizer;
import dev.jmoe.host.tokenizer.Vocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jmoe chat}: an interactive conversation on stdin/stdout in the model's chat format. Each turn renders
 * the whole conversation, tokenizes it, and evaluates only what the KV cache does not already hold (the cache
 * is cut back to the longest common token prefix). {@code /exit} or end of input ends it.
 */
@Command(name = "chat", description = "Interactive chat on stdin/stdout in the model's chat template; /exit or EOF ends it. "
        + "Without -m it runs the bundled demo model.")
public final class ChatCommand implements Callable<Integer> {
    static final String EXIT = "/exit";

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The GGUF model file (default: the demo model).")
    Path model;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "A built-in template instead of the model's own.")
    String templateName;

    @Option(names = {"-sys", "--system-prompt"}, paramLabel = "SYSTEM", description = "The system message.")
    String system;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Most tokens per reply; -1 = no limit (default -1).")
    int predict = -1;

    @CommandLine.Mixin
    EngineFlags engineFlags = new EngineFlags();

    @CommandLine.Mixin
    SamplingFlags samplingFlags = new SamplingFlags();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (predict < -1) throw new CommandLine.ParameterException(spec.commandLine(), "-n must be -1 (no limit) or more, got " + predict);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path path = DemoFallback.modelOrDemo(model, err);
        try (Engine engine = Engine.load(path, engineFlags.toOptions(RunCommand.DEFAULT_CONTEXT))) {
            engineFlags.warmUp(engine);
            Tokenizer tokenizer = Tokenizer.of(engine.model());
            ChatTemplate template = template(engine, tokenizer.vocabulary(), path);
            Session session = engine.newSession();
            Sampler sampler = new Sampler(samplingFlags.toConfig(spec, session.contextSize()));
            Conversation conversation = new Conversation(template, tokenizer, new Generator(session, tokenizer, sampler, engineFlags.batch), session);
            if (system != null) conversation.messages.add(Message.system(system));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals(EXIT)) break;
                if (line.isBlank()) continue;
                conversation.reply(line, predict, out);
                out.println();
            }
            out.println();
            out.flush();
            conversation.generator.printTimings(err);
        }
        return 0;
    }

    private ChatTemplate template(Engine engine, Vocabulary vocab, Path path) {
        String source = engine.model().metadata().findString("tokenizer.chat_template").orElse(null);
        return ChatTemplates.choose(templateName, source, path.getFileName().toString(), tokenText(vocab, vocab.bos()), tokenText(vocab, vocab.eos()));
    }

    private static String tokenText(Vocabulary vocab, int id) {
        return id >= 0 ? vocab.text(id) : "";
    }

    /** The messages so far and the tokens the session's KV cache holds for them. */
    static final class Conversation {
        private static final Logger log = LoggerFactory.getLogger(Conversation.class);
        final List<Message> messages = new ArrayList<>();
        final ChatTemplate template;
        final Tokenizer tokenizer;
        final Generator generator;
        final Session session;
        /** The tokens in the KV cache, in order (session.position() of them). */
        private int[] cached = new int[0];

        Conversation(ChatTemplate template, Tokenizer tokenizer, Generator generator, Session session) {
            this.template = template;
            this.tokenizer = tokenizer;
            this.generator = generator;
            this.session = session;
        }

        /** Adds the user's message, streams the assistant's reply to {@code out} and adds it too. */
        void reply(String user, int limit, PrintWriter out) {
            messages.add(Message.user(user));
            int[] prompt = tokens(template.render(messages, true, Map.of()));
            int keep = Math.min(commonPrefix(cached, prompt), prompt.length - 1); // at least one token to get logits from
            session.truncate(keep);
            log.debug("turn {}: {} prompt tokens, {} already in the KV cache", messages.size() / 2, prompt.length, keep);
            float[] logits = generator.prefill(Arrays.copyOfRange(prompt, keep, prompt.length));
            Generator.Output reply = generator.generate(logits, limit, out);
            cached = concat(prompt, reply.tokens(), session.position() - prompt.length);
            messages.add(Message.assistant(reply.text()));
            if (reply.stop() == Generator.Stop.CONTEXT_FULL) {
                throw new IllegalStateException("the context of " + session.contextSize() + " tokens is full (see -c)");
            }
        }

        private int[] tokens(String rendered) {
            Vocabulary v = tokenizer.vocabulary();
            int[] ids = tokenizer.encode(rendered, false, true); // no EOS after a prompt, whatever the vocabulary says
            boolean addBos = v.addBos() && (ids.length == 0 || ids[0] != v.bos()); // templates often write BOS themselves
            if (!addBos) return ids;
            int[] withBos = new int[ids.length + 1];
            withBos[0] = v.bos();
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            return withBos;
        }

        /** The prompt and the first {@code evaluated} generated tokens: what the cache now holds. */
        private static int[] concat(int[] prompt, int[] generated, int evaluated) {
            int[] all = Arrays.copyOf(prompt, prompt.length + evaluated);
            System.arraycopy(generated, 0, all, prompt.length, evaluated);
            return all;
        }

        static int commonPrefix(int[] a, int[] b) {
            int n = Math.min(a.length, b.length);
            int i = 0;
            while (i < n && a[i] == b[i]) i++;
            return i;
        }
    }
}
