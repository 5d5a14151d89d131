package dev.jmoe.host.chat;

import java.util.Map;
import java.util.Objects;

/** One turn of a conversation as chat templates see it: {@code role} (system, user, assistant, tool) and text. */
public record Message(String role, String content) {

    public Message {
        Objects.requireNonNull(role, "message role");
        Objects.requireNonNull(content, "message content");
    }

    public static Message system(String content) { return new Message("system", content); }

    public static Message user(String content) { return new Message("user", content); }

    public static Message assistant(String content) { return new Message("assistant", content); }

    /** The dict shape HF templates index: {@code message['role']}, {@code message.content}. */
    Map<String, Object> asTemplateValue() {
        return Map.of("role", role, "content", content);
    }
}
