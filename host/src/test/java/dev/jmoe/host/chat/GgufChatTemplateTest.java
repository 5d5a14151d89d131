package dev.jmoe.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one test GGUF that carries {@code tokenizer.chat_template} (the Phi-3 vocab). Expected text is
 * derived by hand from that template: BOS, then per user turn {@code <|user|>\nTEXT<|end|>\n<|assistant|>\n},
 * per assistant turn {@code TEXT<|end|>\n}; system messages are dropped by that template.
 */
class GgufChatTemplateTest {

    @Test
    void phi3TemplateFromTheGgufRendersAsDerivedByHand() {
        Path file = TestData.vocab("ggml-vocab-phi-3.gguf");
        assumeTrue(Files.exists(file), "test data missing: " + file);
        var metadata = GgufFile.read(file).metadata();
        var tokens = metadata.getStringArray("tokenizer.ggml.tokens");
        String bos = tokens.get(metadata.getInt("tokenizer.ggml.bos_token_id"));
        String eos = tokens.get(metadata.getInt("tokenizer.ggml.eos_token_id"));
        ChatTemplate template = ChatTemplates.choose(null, metadata.getString("tokenizer.chat_template"),
                "phi-3", bos, eos);

        String rendered = template.render(List.of(Message.system("Be brief."), Message.user("Hi!"),
                Message.assistant("Hello."), Message.user("Bye?")), true, Map.of());

        assertEquals("<s><|user|>\nHi!<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nBye?<|end|>\n<|assistant|>\n",
                rendered);
    }
}
