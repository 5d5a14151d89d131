package dev.jmoe.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Templates in the style of widely used HF chat templates (test resources, written for jmoe), rendered
 * through the GGUF path. Expected strings are derived by hand from each template's logic; they were
 * also cross-checked once with Python Jinja2 3.1.6 configured like transformers.
 */
class HfStyleTemplatesTest {

    private static final List<Message> CONVERSATION = List.of(
            Message.system("You are terse."), Message.user("Hi!"), Message.assistant("Hello."));

    private static ChatTemplate load(String resource, String bos, String eos) throws IOException {
        try (InputStream in = HfStyleTemplatesTest.class.getResourceAsStream(resource)) {
            return ChatTemplate.parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), bos, eos);
        }
    }

    @Test
    void qwen25WithoutToolsIsPlainChatml() throws IOException {
        ChatTemplate t = load("qwen25-tools.jinja", "", "<|im_end|>");
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
                + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>assistant\n", t.render(CONVERSATION, true, Map.of()));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(List.of(Message.user("Hi!")), true, Map.of()));
    }

    @Test
    void qwen25ListsToolsAsPythonJsonAndGroupsToolResponses() throws IOException {
        Map<String, Object> city = Map.of("type", "string");
        Map<String, Object> parameters = ordered("type", "object", "properties", Map.of("city", city),
                "required", List.of("city"));
        Map<String, Object> function = ordered("name", "get_weather", "description", "Weather for a city",
                "parameters", parameters);
        Map<String, Object> tool = ordered("type", "function", "function", function);
        List<Message> messages = List.of(Message.system("You are terse."), Message.user("Weather in Oslo and Bergen?"),
                Message.assistant("<tool_call>\n{\"name\": \"get_weather\"}\n</tool_call>"),
                new Message("tool", "{\"temp\": 3}"), new Message("tool", "{\"temp\": 5}"));

        String rendered = load("qwen25-tools.jinja", "", "<|im_end|>").render(messages, true, Map.of("tools", List.of(tool)));

        assertEquals("<|im_start|>system\nYou are terse.\n\n# Tools\n\n"
                + "Function signatures, one per line, inside <tools></tools>:\n<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather for a city\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
                + "</tools>\n\nAnswer a call as JSON inside <tool_call></tool_call>.<|im_end|>\n"
                + "<|im_start|>user\nWeather in Oslo and Bergen?<|im_end|>\n"
                + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\"}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n{\"temp\": 3}\n</tool_response>\n"
                + "<tool_response>\n{\"temp\": 5}\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n", rendered);
    }

    @Test
    void qwen3DropsEarlierThinkingAndClosesThinkWhenDisabled() throws IOException {
        List<Message> messages = List.of(Message.system("You are terse."), Message.user("Hi!"),
                Message.assistant("<think>\nhmm\n</think>\n\nHello."), Message.user("Bye?"));
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
                        + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye?<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\n\n</think>\n\n",
                load("qwen3-thinking.jinja", "", "").render(messages, true, Map.of("enable_thinking", false)));
    }

    @Test
    void qwen3KeepsTheThinkingOfTheLastAnswer() throws IOException {
        ChatTemplate t = load("qwen3-thinking.jinja", "", "");
        assertEquals("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n<think>\nhmm\n</think>\n\nHello.<|im_end|>\n",
                t.render(List.of(Message.user("Hi!"), Message.assistant("<think>\nhmm\n</think>\n\nHello.")), false, Map.of()));
        assertEquals("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(Message.user("Hi!")), true, Map.of()));
    }

    @Test
    void mistralUsesBosAndEosAndRaisesOnASystemMessage() throws IOException {
        ChatTemplate t = load("mistral-instruct.jinja", "<s>", "</s>");
        assertEquals("<s>[INST] Hi! [/INST]Hello.</s>[INST] Bye? [/INST]",
                t.render(List.of(Message.user("Hi!"), Message.assistant("Hello."), Message.user("Bye?")), true, Map.of()));
        var e = assertThrows(TemplateRaisedException.class, () -> t.render(CONVERSATION, true, Map.of()));
        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.templateMessage());
        assertEquals("chat template raised: Conversation roles must alternate user/assistant/user/assistant/...",
                e.getMessage());
    }

    @Test
    void llama3TrimsOnlyTheContentBecauseFiltersBindTighterThanPlus() throws IOException {
        List<Message> messages = List.of(Message.system("You are terse."), Message.user("  Hi!\n"), Message.assistant("Hello."));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                load("llama3-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>").render(messages, true, Map.of()));
    }

    @Test
    void llama31StampsTodaysDateFromTheClock() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2024-07-26T09:05:00Z"), ZoneOffset.UTC);
        ChatTemplate t = load("llama31-dated.jinja", "<|begin_of_text|>", "<|eot_id|>").withClock(clock);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                        + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.render(CONVERSATION, true, Map.of()));
        assertEquals(true, t.render(CONVERSATION, true, Map.of("date_string", "01 Jan 2025")).contains("Today Date: 01 Jan 2025\n"));
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
