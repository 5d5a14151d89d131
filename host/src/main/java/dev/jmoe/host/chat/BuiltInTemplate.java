package dev.jmoe.host.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Chat formats jmoe carries itself, for GGUFs without a usable {@code tokenizer.chat_template}
 * or when {@code --chat-template NAME} asks for one. Each is a Jinja source under
 * {@code resources/dev/jmoe/host/chat/NAME.jinja}, rendered by the same engine as GGUF templates.
 *
 * <ul>
 *   <li>{@code chatml} (Qwen and many others): every message as
 *       {@code <|im_start|>ROLE\nCONTENT<|im_end|>\n}; generation prompt {@code <|im_start|>assistant\n}.
 *   <li>{@code mistral} (Instruct v0.1-style): {@code <s>[INST] USER [/INST] ASSISTANT</s>} per exchange; a
 *       system message is prepended to the first user message followed by a blank line; roles must
 *       alternate. The prompt ends with {@code [/INST]}, so there is no separate generation prompt.
 *   <li>{@code llama3}: {@code <|begin_of_text|>}, then every message as
 *       {@code <|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT<|eot_id|>} (content trimmed);
 *       generation prompt {@code <|start_header_id|>assistant<|end_header_id|>\n\n}.
 * </ul>
 */
public enum BuiltInTemplate {
    CHATML,
    MISTRAL,
    LLAMA3;

    /** The name used on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BuiltInTemplate forName(String name) {
        for (BuiltInTemplate t : values()) {
            if (t.cliName().equalsIgnoreCase(name.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown chat template '" + name + "'; known: " + knownNames());
    }

    public static String knownNames() {
        return Arrays.stream(values()).map(BuiltInTemplate::cliName).collect(Collectors.joining(", "));
    }

    /** The Jinja source of this format. */
    public String source() {
        String resource = cliName() + ".jinja";
        try (InputStream in = BuiltInTemplate.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in chat template resource missing: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading built-in chat template " + resource, e);
        }
    }
}
