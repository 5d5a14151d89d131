package dev.jmoe.host.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * A HuggingFace-style Jinja2 chat template (a GGUF's {@code tokenizer.chat_template} or a
 * {@link BuiltInTemplate}) that turns a conversation into the prompt text the model was trained on.
 *
 * <p>Rendered with Jinjava, configured like transformers' {@code apply_chat_template}: trim_blocks
 * and lstrip_blocks on, Python-like operator precedence, Python string methods, the functions
 * {@code raise_exception} and {@code strftime_now}, and transformers' {@code |tojson}. Jinja syntax
 * that Jinjava reads differently is rewritten first, see {@link TemplateSourceRewrites}.
 *
 * <p>Known difference: a boolean printed directly ({@code {{ flag }}}) comes out as {@code true},
 * not Python's {@code True}; templates test booleans rather than print them.
 */
public final class ChatTemplate {

    /** Variables the renderer sets itself; {@code extra} may not replace them. */
    private static final Set<String> RESERVED = Set.of("messages", "add_generation_prompt", "bos_token", "eos_token");

    private static final Jinjava ENGINE = newEngine();

    private final String name;
    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    private ChatTemplate(String name, String source, String bosToken, String eosToken, Clock clock) {
        this.name = name;
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
    }

    /**
     * A template from Jinja source, checked for syntax now so a broken GGUF template is found at
     * load rather than at the first request.
     *
     * @param name     what to call it in messages (e.g. the GGUF file name)
     * @param bosToken the text of the model's BOS token ({@code bos_token} in the template), "" if none
     * @param eosToken the text of the model's EOS token ({@code eos_token}), "" if none
     */
    public static ChatTemplate parse(String name, String source, String bosToken, String eosToken) {
        String rewritten = TemplateSourceRewrites.apply(source);
        List<TemplateError> errors = fatal(parseErrors(rewritten));
        if (!errors.isEmpty()) {
            throw new ChatTemplateException("chat template " + name + " does not parse: " + describe(errors));
        }
        return new ChatTemplate(name, rewritten, nullToEmpty(bosToken), nullToEmpty(eosToken), Clock.systemDefaultZone());
    }

    public static ChatTemplate builtIn(BuiltInTemplate format) {
        return parse("built-in " + format.cliName(), format.source(), "", "");
    }

    /** The same template with {@code strftime_now} reading the given clock (for reproducible prompts and tests). */
    public ChatTemplate withClock(Clock newClock) {
        return new ChatTemplate(name, source, bosToken, eosToken, newClock);
    }

    public String name() {
        return name;
    }

    /**
     * Renders a conversation.
     *
     * @param addGenerationPrompt append the header that starts the assistant's reply
     * @param extra               further template variables, e.g. {@code tools} or {@code enable_thinking}
     * @throws TemplateRaisedException when the template rejects the conversation
     * @throws ChatTemplateException   when rendering fails for any other reason
     */
    public String render(List<Message> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> context = new HashMap<>();
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (RESERVED.contains(e.getKey())) {
                throw new IllegalArgumentException("chat template variable '" + e.getKey() + "' is set by the renderer, not by extra");
            }
            context.put(e.getKey(), e.getValue());
        }
        context.put("messages", messages.stream().map(Message::asTemplateValue).toList());
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        TemplateFunctions.useClock(clock);
        try {
            return checked(ENGINE.renderForResult(source, context));
        } finally {
            TemplateFunctions.resetClock();
        }
    }

    private String checked(RenderResult result) {
        List<TemplateError> errors = fatal(result.getErrors());
        if (errors.isEmpty()) {
            return result.getOutput();
        }
        for (TemplateError error : errors) {
            TemplateRaisedException raised = raisedBy(error.getException());
            if (raised != null) {
                throw raised;
            }
        }
        throw new ChatTemplateException("chat template " + name + " failed to render: " + describe(errors));
    }

    private static TemplateRaisedException raisedBy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TemplateRaisedException raised) {
                return raised;
            }
        }
        return null;
    }

    private static List<TemplateError> parseErrors(String source) {
        var interpreter = ENGINE.newInterpreter();
        interpreter.parse(source);
        return interpreter.getErrors();
    }

    private static List<TemplateError> fatal(List<TemplateError> errors) {
        return errors.stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
    }

    private static String describe(List<TemplateError> errors) {
        return errors.stream()
                .map(e -> "line " + e.getLineno() + ": " + e.getMessage())
                .collect(Collectors.joining("; "));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Jinjava newEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // done by TemplateSourceRewrites: Jinjava's strips too much
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUsePyishObjectMapper(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} strips like Jinja
                        .build())
                .withElResolver(resolver)
                .build();
        Jinjava engine = new Jinjava(config);
        TemplateFunctions.definitions().forEach(engine.getGlobalContext()::registerFunction);
        engine.getGlobalContext().registerFilter(new PythonJsonFilter());
        return engine;
    }
}
