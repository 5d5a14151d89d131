package dev.jmoe.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmoe.host.chat.Message;
import dev.jmoe.host.sample.SamplerConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the OpenAI request fields jmoe honours (plus llama-server's {@code top_k}, {@code min_p},
 * {@code repeat_penalty}, {@code n_predict}); wrong types and out-of-range values are 400s naming the field.
 * Sampling defaults are llama-server's (temperature 0.8, top_k 40, top_p 0.95, min_p 0.05).
 */
final class CompletionRequestParser {
    private CompletionRequestParser() {}

    static CompletionRequest parse(ObjectNode body, CompletionRequest.Endpoint endpoint) {
        Fields f = new Fields(body);
        int n = f.integer("n", 1);
        if (n != 1) throw ApiError.invalid("'n' must be 1: jmoe generates one choice per request, got " + n);
        Prompt prompt = endpoint == CompletionRequest.Endpoint.CHAT ? messages(f) : prompt(f);
        JsonNode options = f.node("stream_options");
        if (options != null && !options.isObject()) throw Fields.wrongType("stream_options", "an object", options);
        boolean includeUsage = options != null && new Fields((ObjectNode) options).bool("include_usage", false);
        return new CompletionRequest(endpoint, f.text("model", null), prompt, f.bool("stream", false), includeUsage,
                maxTokens(f), sampling(f), stop(f));
    }

    /** OpenAI's {@code max_completion_tokens} or {@code max_tokens}, or llama-server's {@code n_predict} (-1: no limit). */
    private static int maxTokens(Fields f) {
        for (String name : new String[] {"max_completion_tokens", "max_tokens", "n_predict"}) {
            if (!f.has(name)) continue;
            int max = f.integer(name, -1);
            if (max == -1 && name.equals("n_predict")) return -1;
            if (max < 1) throw ApiError.invalid("'" + name + "' must be at least 1, got " + max);
            return max;
        }
        return -1;
    }

    private static SamplerConfig sampling(Fields f) {
        SamplerConfig d = SamplerConfig.defaults();
        long seed = f.integer64("seed", SamplerConfig.RANDOM_SEED);
        try {
            return new SamplerConfig(f.number("temperature", d.temperature()), f.integer("top_k", d.topK()),
                    f.number("top_p", d.topP()), f.number("min_p", d.minP()), f.number("repeat_penalty", d.repeatPenalty()),
                    f.integer("repeat_last_n", d.repeatLastN()), f.number("presence_penalty", d.presencePenalty()),
                    f.number("frequency_penalty", d.frequencyPenalty()), seed < 0 ? SamplerConfig.RANDOM_SEED : seed);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(e.getMessage());
        }
    }

    private static List<String> stop(Fields f) {
        JsonNode stop = f.node("stop");
        List<String> out = new ArrayList<>();
        if (stop == null) return out;
        if (stop.isTextual()) {
            if (!stop.textValue().isEmpty()) out.add(stop.textValue());
            return out;
        }
        if (!stop.isArray()) throw Fields.wrongType("stop", "a string or an array of strings", stop);
        for (JsonNode s : stop) {
            if (!s.isTextual()) throw Fields.wrongType("stop[]", "a string", s);
            if (!s.textValue().isEmpty()) out.add(s.textValue());
        }
        return out;
    }

    private static Prompt prompt(Fields f) {
        JsonNode p = f.node("prompt");
        if (p == null) throw ApiError.invalid("'prompt' is required");
        if (p.isTextual()) return new Prompt.Text(p.textValue());
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) return new Prompt.Text(p.get(0).textValue());
        if (p.isArray() && !p.isEmpty()) {
            int[] ids = new int[p.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!p.get(i).isIntegralNumber() || !p.get(i).canConvertToInt()) {
                    throw ApiError.invalid("'prompt' must be a string, an array of one string, or an array of token ids; element " + i + " is " + p.get(i));
                }
                ids[i] = p.get(i).intValue();
            }
            return new Prompt.Tokens(ids);
        }
        throw Fields.wrongType("prompt", "a string, an array of one string, or an array of token ids", p);
    }

    private static Prompt messages(Fields f) {
        JsonNode m = f.node("messages");
        if (m == null) throw ApiError.invalid("'messages' is required");
        if (!m.isArray() || m.isEmpty()) throw Fields.wrongType("messages", "a non-empty array of messages", m);
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            JsonNode msg = m.get(i);
            if (!msg.isObject()) throw Fields.wrongType("messages[" + i + "]", "an object with role and content", msg);
            Fields mf = new Fields((ObjectNode) msg);
            String role = mf.text("role", null);
            if (role == null) throw ApiError.invalid("'messages[" + i + "].role' is required");
            out.add(new Message(role, content(mf.node("content"), i)));
        }
        return new Prompt.Chat(out);
    }

    /** A message's content: a string, or an array of parts of which the text parts are joined. */
    private static String content(JsonNode c, int index) {
        String name = "messages[" + index + "].content";
        if (c == null) return "";
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw Fields.wrongType(name, "a string or an array of content parts", c);
        StringBuilder text = new StringBuilder();
        for (JsonNode part : c) {
            if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                throw ApiError.invalid("'" + name + "' parts must be {\"type\":\"text\",\"text\":...}; got " + part);
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }
}
