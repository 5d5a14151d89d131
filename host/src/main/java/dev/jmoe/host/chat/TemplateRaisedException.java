package dev.jmoe.host.chat;

/** Thrown by a template's own {@code raise_exception(message)} call, e.g. "Conversation roles must alternate". */
public final class TemplateRaisedException extends ChatTemplateException {

    private final String templateMessage;

    public TemplateRaisedException(String templateMessage) {
        super("chat template raised: " + templateMessage);
        this.templateMessage = templateMessage;
    }

    /** The text the template passed to {@code raise_exception}. */
    public String templateMessage() {
        return templateMessage;
    }
}
