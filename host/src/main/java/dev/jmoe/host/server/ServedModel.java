package dev.jmoe.host.server;

import dev.jmoe.host.chat.ChatTemplate;
import dev.jmoe.host.chat.ChatTemplateException;
import dev.jmoe.host.chat.ChatTemplates;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Map;

/**
 * The model a server serves: the engine, its tokenizer and chat template, the name clients use, and the
 * accelerator (if any). Turns a request's {@link Prompt} into token ids.
 */
public final class ServedModel implements AutoCloseable {
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final String name;
    private final Accelerator accelerator;

    public ServedModel(Engine engine, Tokenizer tokenizer, ChatTemplate template, String name, Accelerator accelerator) {
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.template = template;
        this.name = name;
        this.accelerator = accelerator;
    }

    /**
     * Loads a model for serving on the CPU engine.
     *
     * @param chatTemplate a built-in template name, or null for the model's own
     * @param alias        the name clients use, or null for the file name
     */
    public static ServedModel load(Path path, EngineOptions options, String chatTemplate, String alias) {
        Engine engine = Engine.load(path, options);
        try {
            GgufModel gguf = engine.model();
            Tokenizer tokenizer = Tokenizer.of(gguf);
            String name = alias != null ? alias : path.getFileName().toString();
            String bos = tokenizer.bos() >= 0 ? tokenizer.tokenPiece(tokenizer.bos()) : "";
            String eos = tokenizer.eos() >= 0 ? tokenizer.tokenPiece(tokenizer.eos()) : "";
            ChatTemplate template = ChatTemplates.choose(chatTemplate,
                    gguf.metadata().findString("tokenizer.chat_template").orElse(null), name, bos, eos);
            Accelerator accelerator = engine.capability(Accelerator.class).orElseGet(() -> Accelerator.none(engine.placement().summary()));
            return new ServedModel(engine, tokenizer, template, name, accelerator);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public Engine engine() {
        return engine;
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }

    public String name() {
        return name;
    }

    Accelerator accelerator() {
        return accelerator;
    }

    /** The prompt's token ids: text with BOS as the vocabulary asks, a conversation through the chat template. */
    int[] tokens(Prompt prompt) {
        return switch (prompt) {
            case Prompt.Text(String text) -> tokenizer.encode(text, true, true);
            case Prompt.Tokens(int[] ids) -> checked(ids);
            case Prompt.Chat chat -> {
                String rendered = render(chat);
                boolean hasBos = tokenizer.bos() >= 0 && rendered.startsWith(tokenizer.tokenPiece(tokenizer.bos()));
                yield tokenizer.encode(rendered, !hasBos, true);
            }
        };
    }

    /** The conversation as the chat template writes it, with the header of the assistant's reply. */
    String render(Prompt.Chat chat) {
        try {
            return template.render(chat.messages(), true, Map.of());
        } catch (ChatTemplateException e) {
            throw ApiError.invalid(e.getMessage());
        }
    }

    int[] checked(int[] ids) {
        int vocab = Math.min(tokenizer.vocabSize(), engine.config().vocab());
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw ApiError.invalid("token id " + ids[i] + " (at index " + i + ") is out of range: the vocabulary has "
                        + vocab + " tokens");
            }
        }
        return ids;
    }

    @Override
    public void close() {
        engine.close();
    }
}
