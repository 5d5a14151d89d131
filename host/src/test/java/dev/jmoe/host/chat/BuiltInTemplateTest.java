package dev.jmoe.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are written by hand from each format's definition (see {@link BuiltInTemplate}). */
class BuiltInTemplateTest {

    private static final List<Message> CONVERSATION = List.of(
            Message.system("You are terse."),
            Message.user("Hi!"),
            Message.assistant("Hello."));

    private static String render(BuiltInTemplate t, List<Message> messages, boolean prompt) {
        return ChatTemplate.builtIn(t).render(messages, prompt, Map.of());
    }

    @Test
    void chatmlWrapsEveryMessageAndOpensTheAssistantTurn() {
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n"
                        + "<|im_start|>user\nHi!<|im_end|>\n"
                        + "<|im_start|>assistant\nHello.<|im_end|>\n"
                        + "<|im_start|>assistant\n",
                render(BuiltInTemplate.CHATML, CONVERSATION, true));
    }

    @Test
    void chatmlWithoutGenerationPromptEndsAfterTheLastMessage() {
        assertEquals("<|im_start|>user\nHi!<|im_end|>\n",
                render(BuiltInTemplate.CHATML, List.of(Message.user("Hi!")), false));
    }

    @Test
    void mistralFoldsTheSystemMessageIntoTheFirstInstruction() {
        assertEquals("<s>[INST] You are terse.\n\nHi! [/INST] Hello.</s>",
                render(BuiltInTemplate.MISTRAL, CONVERSATION, true));
    }

    @Test
    void mistralPromptForTheNextTurnEndsWithCloseInst() {
        List<Message> four = List.of(CONVERSATION.get(0), CONVERSATION.get(1), CONVERSATION.get(2),
                Message.user("Bye?"));
        assertEquals("<s>[INST] You are terse.\n\nHi! [/INST] Hello.</s>[INST] Bye? [/INST]",
                render(BuiltInTemplate.MISTRAL, four, true));
    }

    @Test
    void mistralRejectsRolesThatDoNotAlternate() {
        var e = assertThrows(TemplateRaisedException.class, () -> render(BuiltInTemplate.MISTRAL,
                List.of(Message.user("a"), Message.user("b")), true));
        assertTrue(e.templateMessage().contains("roles must alternate"), e.getMessage());
    }

    @Test
    void llama3UsesHeadersAndEotAndTrimsContent() {
        List<Message> padded = List.of(Message.system("You are terse."), Message.user("  Hi!\n"),
                Message.assistant("Hello."));
        assertEquals("<|begin_of_text|>"
                        + "<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                render(BuiltInTemplate.LLAMA3, padded, true));
    }

    @Test
    void namesAreCaseInsensitiveAndUnknownNamesListTheKnownOnes() {
        assertEquals(BuiltInTemplate.LLAMA3, BuiltInTemplate.forName("Llama3"));
        var e = assertThrows(IllegalArgumentException.class, () -> BuiltInTemplate.forName("vicuna"));
        assertEquals("unknown chat template 'vicuna'; known: chatml, mistral, llama3", e.getMessage());
    }
}
