package dev.jmoe.cli;

import dev.jmoe.host.TestData;
import dev.jmoe.host.chat.ChatTemplate;
import dev.jmoe.host.chat.ChatTemplates;
import dev.jmoe.host.chat.Message;
import dev.jmoe.host.engine.CacheType;
import dev.jmoe.host.engine.Engine;
import dev.jmoe.host.engine.EngineOptions;
import dev.jmoe.host.engine.Session;
import dev.jmoe.host.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jmoe chat}: each reply, generated on a KV cache kept between turns, equals the reply a fresh session
 * gives for the whole conversation so far (greedy), so reusing the cache changes nothing but the time.
 */
class ChatCommandTest {
    /** The test model (a method, not a field: without the test data the test is skipped, not broken). */
    private static Path model() {
        return TestData.model("qwen3moe-a-f32");
    }
    private static final int REPLY_TOKENS = 6;

    @Test
    void repliesWithAKeptCacheEqualRepliesFromScratch() {
        List<String> turns = List.of("Hello there", "Tell me more about the weather", "Thanks");
        MainTest.Result r = chat(String.join("\n", turns) + "\n/exit\n", "-m", model().toString(), "-sys", "Be brief.",
                "--temp", "0", "-n", String.valueOf(REPLY_TOKENS), "-t", "2", "-ctk", "f32", "-ctv", "f32");
        assertEquals(0, r.code(), r.err());
        int[] fullPromptTokens = new int[1];
        List<String> expected = expectedReplies("Be brief.", turns, fullPromptTokens);
        String[] shown = r.out().split("> ", -1); // prompt marker before each turn, and once more before /exit
        assertEquals(turns.size() + 2, shown.length, r.out());
        for (int i = 0; i < turns.size(); i++) assertEquals(expected.get(i) + "\n", shown[i + 1], "reply " + (i + 1));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("prompt eval time = .* / +(\\d+) tokens").matcher(r.err());
        assertTrue(m.find(), r.err());
        int evaluated = Integer.parseInt(m.group(1));
        assertTrue(evaluated > 0 && evaluated < fullPromptTokens[0] / 2,
                "only the new part of each turn is evaluated: " + evaluated + " prompt tokens, " + fullPromptTokens[0] + " in the full prompts");
    }

    @Test
    void endOfInputEndsTheChat() {
        MainTest.Result r = chat("", "-m", model().toString(), "--temp", "0", "-n", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("> \n", r.out());
    }

    @Test
    void unknownTemplateNameIsOneLineListingTheKnownOnes() {
        MainTest.Result r = chat("hi\n", "-m", model().toString(), "--chat-template", "nonesuch");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("jmoe chat: "), r.err());
        assertTrue(r.err().contains("chatml"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static MainTest.Result chat(String stdin, String... flags) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            String[] args = new String[flags.length + 1];
            args[0] = "chat";
            System.arraycopy(flags, 0, args, 1, flags.length);
            return MainTest.jmoe(args);
        } finally {
            System.setIn(old);
        }
    }

    /** Each turn from an empty cache: render the conversation, evaluate it in one go, take argmax tokens. */
    private static List<String> expectedReplies(String system, List<String> turns, int[] promptTokens) {
        EngineOptions options = EngineOptions.defaults(2).withContext(4096).withCache(CacheType.F32, CacheType.F32);
        try (Engine engine = Engine.load(model(), options)) {
            Tokenizer tokenizer = Tokenizer.of(engine.model());
            String source = engine.model().metadata().findString("tokenizer.chat_template").orElse(null);
            ChatTemplate template = ChatTemplates.choose(null, source, "test", "", "");
            List<Message> messages = new ArrayList<>(List.of(Message.system(system)));
            List<String> replies = new ArrayList<>();
            for (String turn : turns) {
                messages.add(Message.user(turn));
                int[] prompt = tokenizer.encode(template.render(messages, true, Map.of()), false, true);
                promptTokens[0] += prompt.length;
                String reply = greedyFromScratch(engine.newSession(), tokenizer, prompt);
                replies.add(reply);
                messages.add(Message.assistant(reply));
            }
            return replies;
        }
    }

    private static String greedyFromScratch(Session session, Tokenizer tokenizer, int[] prompt) {
        float[] logits = session.evaluate(prompt);
        int[] out = new int[REPLY_TOKENS];
        int n = 0;
        while (n < REPLY_TOKENS) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            if (tokenizer.isEog(best)) break;
            out[n++] = best;
            if (n < REPLY_TOKENS) logits = session.evaluate(new int[] {best});
        }
        return tokenizer.decode(Arrays.copyOf(out, n));
    }
}
