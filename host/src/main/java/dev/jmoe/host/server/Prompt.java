package dev.jmoe.host.server;

import dev.jmoe.host.chat.Message;

import java.util.List;

/** What a request asks the model to continue: text, token ids, or a conversation for the chat template. */
sealed interface Prompt {
    record Text(String text) implements Prompt {}

    record Tokens(int[] ids) implements Prompt {}

    record Chat(List<Message> messages) implements Prompt {}
}
