package dev.jmoe.host.chat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the chat template for a model: a named built-in, else the GGUF's own, else ChatML. */
public final class ChatTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplates.class);

    /** The format used when a GGUF carries no usable template and none was named. */
    public static final BuiltInTemplate DEFAULT_FALLBACK = BuiltInTemplate.CHATML;

    private ChatTemplates() {
    }

    /**
     * @param requestedName the {@code --chat-template} value, or null to use the model's template
     * @param ggufSource    the GGUF's {@code tokenizer.chat_template}, or null when absent
     * @param modelName     what to call the model's template in messages
     * @throws IllegalArgumentException for an unknown requested name (listing the known ones)
     */
    public static ChatTemplate choose(String requestedName, String ggufSource, String modelName,
                                      String bosToken, String eosToken) {
        if (requestedName != null) {
            return ChatTemplate.builtIn(BuiltInTemplate.forName(requestedName));
        }
        if (ggufSource == null || ggufSource.isBlank()) {
            LOG.warn("{} has no tokenizer.chat_template; using built-in {}", modelName, DEFAULT_FALLBACK.cliName());
            return ChatTemplate.builtIn(DEFAULT_FALLBACK);
        }
        try {
            return ChatTemplate.parse(modelName + " tokenizer.chat_template", ggufSource, bosToken, eosToken);
        } catch (ChatTemplateException e) {
            LOG.warn("{}; using built-in {}", e.getMessage(), DEFAULT_FALLBACK.cliName());
            return ChatTemplate.builtIn(DEFAULT_FALLBACK);
        }
    }
}
