package dev.jmoe.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jinja behaviour HF templates rely on, each expected value as Python Jinja2 gives it. */
class ChatTemplateEngineTest {

    private static final List<Message> TWO = List.of(Message.system("  Be brief. "), Message.user("Hi"));

    private static String render(String source, Map<String, Object> extra) {
        return ChatTemplate.parse("snippet", source, "<s>", "</s>").render(TWO, true, extra);
    }

    private static String render(String source) {
        return render(source, Map.of());
    }

    @Test
    void indexingLoopVariablesAndTokens() {
        assertEquals("system|system", render("{{ messages[0]['role'] }}|{{ messages[0].role }}"));
        assertEquals("first:system last:user ", render(
                "{% for m in messages %}{% if loop.first %}first:{{ m.role }} {% endif %}{% if loop.last %}last:{{ m.role }} {% endif %}{% endfor %}"));
        assertEquals("<s>|</s>|yes", render("{{ bos_token }}|{{ eos_token }}|{{ 'yes' if add_generation_prompt else 'no' }}"));
    }

    @Test
    void whitespaceControlAndTrimBlocks() {
        assertEquals("ab", render("a\n  {%- if true -%}\n  {{- 'b' -}}\n  {%- endif -%}\n"));
        // trim_blocks eats the newline after a block tag; lstrip_blocks the indentation before one
        assertEquals("x\ny\n", render("{% if true %}\nx\n{% endif %}\n  {% if true %}\ny\n{% endif %}\n"));
        // ...but only at the start of a line: text before a tag keeps its spaces
        assertEquals("a b |\n\tc", render("{% if true %}a b {% endif %}|\n  {# note #}\n\t{% if true %}\tc{% endif %}"));
        assertEquals("a b |\t\t\tc", render("{% if true %}a b {% endif %}|\t{# note #}\n\t{%+ if true %}\tc{% endif %}"));
    }

    @Test
    void namespaceSurvivesTheLoop() {
        assertEquals("1", render("{%- set ns = namespace(last=-1) -%}{%- for m in messages -%}"
                + "{%- if m.role == 'user' %}{% set ns.last = loop.index0 %}{% endif -%}{%- endfor -%}{{ ns.last }}"));
    }

    @Test
    void pythonStringMethods() {
        assertEquals("Be brief.|Be brief. |  Be brief.|yes|no|yes",
                render("{{ messages[0].content.strip() }}|{{ messages[0].content.lstrip() }}|{{ messages[0].content.rstrip() }}"
                        + "|{{ 'yes' if messages[1].content.startswith('H') else 'no' }}"
                        + "|{{ 'yes' if messages[1].content.endswith('H') else 'no' }}"
                        + "|{{ 'yes' if 'abc'.startswith(('x', 'a')) else 'no' }}"));
        assertEquals("bc|xa|a-b|3", render("{{ 'aabc'.lstrip('a') }}|{{ 'xa\\n\\n'.rstrip('\\n') }}"
                + "|{{ 'a.b'.split('.')[0] }}-{{ 'a.b'.split('.')[1] }}|{{ ' x  y z '.split()|length }}"));
        assertEquals("A B|a b", render("{{ 'a b'.upper() }}|{{ 'A B'.lower() }}"));
        assertEquals("k=1;", render("{% for k, v in {'k': 1}.items() %}{{ k }}={{ v }};{% endfor %}"));
    }

    @Test
    void tojsonWritesPythonJson() {
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "f");
        tool.put("args", List.of(1, 2.5, true));
        tool.put("note", "é \"q\"\n");
        tool.put("none", null);
        assertEquals("{\"name\": \"f\", \"args\": [1, 2.5, true], \"note\": \"é \\\"q\\\"\\n\", \"none\": null}",
                render("{{ tool|tojson }}", Map.of("tool", tool)));
        assertEquals("{\n  \"a\": [\n    1,\n    2\n  ]\n}",
                render("{{ x|tojson(indent=2) }}", Map.of("x", Map.of("a", List.of(1, 2)))));
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        var e = assertThrows(TemplateRaisedException.class,
                () -> render("{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"));
        assertEquals("System role not supported", e.templateMessage());
    }

    @Test
    void strftimeFollowsPythonDirectives() {
        ZonedDateTime t = ZonedDateTime.of(2024, 7, 6, 15, 4, 5, 0, ZoneOffset.UTC);
        assertEquals("06 Jul 2024", PythonStrftime.format("%d %b %Y", t));
        assertEquals("Saturday, July 06 2024 03:04:05 PM 100%", PythonStrftime.format("%A, %B %d %Y %I:%M:%S %p 100%%", t));
        assertEquals("2024-07-06T15:04:05 188", PythonStrftime.format("%Y-%m-%dT%H:%M:%S %j", t));
        var e = assertThrows(ChatTemplateException.class, () -> PythonStrftime.format("%Q", t));
        assertEquals("strftime_now: unsupported directive %Q in format '%Q'", e.getMessage());
    }

    @Test
    void extraVariablesReachTheTemplateButCannotReplaceTheRenderersOwn() {
        assertEquals("on", render("{% if enable_thinking %}on{% endif %}", Map.of("enable_thinking", true)));
        var e = assertThrows(IllegalArgumentException.class, () -> render("x", Map.of("messages", List.of())));
        assertEquals("chat template variable 'messages' is set by the renderer, not by extra", e.getMessage());
    }

    @Test
    void aTemplateThatDoesNotParseIsNamedAndFallsBackToChatml() {
        var e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.parse("broken.gguf", "{% for m in messages %}", "", ""));
        assertTrue(e.getMessage().startsWith("chat template broken.gguf does not parse: "), e.getMessage());

        ChatTemplate fallback = ChatTemplates.choose(null, "{% for m in messages %}", "broken.gguf", "", "");
        assertEquals("built-in chatml", fallback.name());
        assertEquals("built-in chatml", ChatTemplates.choose(null, null, "bare.gguf", "", "").name());
        assertEquals("built-in llama3", ChatTemplates.choose("llama3", "{{ x }}", "m.gguf", "", "").name());
        assertEquals("m.gguf tokenizer.chat_template", ChatTemplates.choose(null, "{{ x }}", "m.gguf", "", "").name());
        assertThrows(IllegalArgumentException.class, () -> ChatTemplates.choose("zephyr", null, "m.gguf", "", ""));
    }
}
