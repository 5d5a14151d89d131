package dev.jmoe.host.server;

import dev.jmoe.host.sample.SamplerConfig;

import java.util.List;

/**
 * A validated {@code /v1/completions} or {@code /v1/chat/completions} request.
 *
 * @param model        the model the client named, or null
 * @param maxTokens    the most tokens to generate; -1 until the context is full
 * @param stop         strings that end the completion (not included in it)
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with the usage
 */
record CompletionRequest(Endpoint endpoint, String model, Prompt prompt, boolean stream, boolean includeUsage,
                         int maxTokens, SamplerConfig sampling, List<String> stop) {

    enum Endpoint {
        CHAT("chatcmpl-", "chat.completion"), TEXT("cmpl-", "text_completion");

        final String idPrefix;
        final String object;

        Endpoint(String idPrefix, String object) {
            this.idPrefix = idPrefix;
            this.object = object;
        }
    }
}
