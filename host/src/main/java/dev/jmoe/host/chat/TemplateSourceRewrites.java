package dev.jmoe.host.chat;

import java.util.regex.Pattern;

/**
 * Rewrites Jinja2 syntax that HF chat templates use and Jinjava's expression parser rejects into
 * equivalent Jinjava syntax. Each rewrite is exact for the idiom it targets; everything else passes
 * through unchanged.
 */
final class TemplateSourceRewrites {

    /** {@code x[::-1]} (Qwen3 walks the messages backwards to find the last user query). */
    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");

    private TemplateSourceRewrites() {
    }

    static String apply(String source) {
        return REVERSED_SLICE.matcher(source).replaceAll("|reverse|list");
    }
}
