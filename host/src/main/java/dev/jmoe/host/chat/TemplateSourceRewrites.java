package dev.jmoe.host.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Jinja2 syntax that HF chat templates use and Jinjava's expression parser reads
 * differently into equivalent Jinjava syntax, and applies Jinja's lstrip_blocks. Only code inside
 * tags is rewritten, never text or string literals. Each rewrite is exact for the idiom it targets; everything else passes through.
 */
final class TemplateSourceRewrites {

    /** {@code x[::-1]} (Qwen3 walks the messages backwards to find the last user query). */
    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-1\\s*]");

    /**
     * {@code not x is defined}: Jinja applies the test first, {@code not (x is defined)}; Jinjava
     * would negate x first (Llama 3.1: {@code if not date_string is defined}).
     */
    private static final Pattern NEGATED_TEST = Pattern.compile(
            "\\bnot\\s+([A-Za-z_][A-Za-z0-9_.]*(?:\\[[^\\]]*])*)\\s+is\\s+((?:not\\s+)?[A-Za-z_][A-Za-z0-9_]*)\\b");

    /** A keyword argument at the start of an argument: {@code name=} but not {@code ==}. */
    private static final Pattern KEYWORD = Pattern.compile("^\\s*[A-Za-z_][A-Za-z0-9_]*\\s*=(?!=)");

    private static final String NAMESPACE_CALL = "namespace(";

    private TemplateSourceRewrites() {
    }

    /** Rewrites the code inside {@code {{ }}} and {@code {% %}} tags; text and comments stay as written. */
    static String apply(String source) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int open = source.indexOf('{', from);
            while (open >= 0 && open + 1 < source.length() && "{%#".indexOf(source.charAt(open + 1)) < 0) {
                open = source.indexOf('{', open + 1);
            }
            if (open < 0 || open + 1 >= source.length()) {
                return out.append(source.substring(from)).toString();
            }
            char kind = source.charAt(open + 1);
            String closeMark = kind == '{' ? "}}" : kind + "}";
            int close = kind == '#' ? source.indexOf(closeMark, open + 2) : closeOfCode(source, open + 2, closeMark);
            if (close < 0) {
                return out.append(source.substring(from)).toString(); // unterminated: the parser reports it
            }
            String body = source.substring(open + 2, close);
            String text = source.substring(from, open);
            boolean keepIndent = kind != '{' && body.startsWith("+"); // {%+ opts out of lstrip_blocks
            boolean lstrip = kind != '{' && !keepIndent;
            body = keepIndent ? body.substring(1) : body;
            out.append(lstrip ? lstripBlock(text, from == 0) : text);
            out.append(source, open, open + 2).append(kind == '#' ? body : rewriteCode(body)).append(closeMark);
            from = close + closeMark.length();
        }
    }

    /**
     * Jinja's lstrip_blocks: spaces and tabs between the start of a line and a block or comment tag
     * are dropped. Done here because Jinjava's option also strips them after text on the same line.
     *
     * @param atTemplateStart whether {@code text} begins the template (a line start)
     */
    private static String lstripBlock(String text, boolean atTemplateStart) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !atTemplateStart) {
            return text; // the text follows another tag on the same line
        }
        for (int i = lineStart; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return text;
            }
        }
        return text.substring(0, lineStart);
    }

    /** The index of {@code closeMark} ending a tag, skipping string literals; -1 if none. */
    private static int closeOfCode(String s, int from, String closeMark) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(s, i);
                if (i < 0) {
                    return -1;
                }
            } else if (s.startsWith(closeMark, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Applies the rewrites to one tag's code with its string literals masked, so text in quotes is never touched. */
    static String rewriteCode(String code) {
        List<String> literals = new ArrayList<>();
        StringBuilder masked = new StringBuilder();
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            int end = c == '\'' || c == '"' ? endOfString(code, i) : -1;
            if (end < 0) {
                masked.append(c);
                continue;
            }
            masked.append(MASK).append(literals.size()).append(MASK);
            literals.add(code.substring(i, end + 1));
            i = end;
        }
        String s = REVERSED_SLICE.matcher(masked).replaceAll("|reverse|list");
        s = NEGATED_TEST.matcher(s).replaceAll("not ($1 is $2)");
        s = parenthesiseNamespaceArguments(s);
        Matcher m = MASKED_LITERAL.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(literals.get(Integer.parseInt(m.group(1)))));
        }
        return m.appendTail(out).toString();
    }

    private static final char MASK = '\u0000';

    private static final Pattern MASKED_LITERAL = Pattern.compile(MASK + "(\\d+)" + MASK);

    /**
     * {@code namespace(i=messages|length - 1)}: Jinjava binds {@code i=messages|length} first and then
     * subtracts from the parameter object; Jinja gives the keyword the whole expression. Parenthesising
     * each keyword's value gives Jinja's reading.
     */
    static String parenthesiseNamespaceArguments(String s) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = s.indexOf(NAMESPACE_CALL); at >= 0; at = s.indexOf(NAMESPACE_CALL, from)) {
            int open = at + NAMESPACE_CALL.length();
            int close = matchingParenthesis(s, open);
            if (close < 0) {
                break; // unbalanced: leave it for the parser to report
            }
            out.append(s, from, open);
            List<String> args = splitTopLevel(s.substring(open, close));
            for (int i = 0; i < args.size(); i++) {
                out.append(i == 0 ? "" : ",").append(parenthesiseValue(args.get(i)));
            }
            out.append(')');
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    private static String parenthesiseValue(String arg) {
        Matcher m = KEYWORD.matcher(arg);
        if (!m.find() || arg.substring(m.end()).isBlank()) {
            return arg;
        }
        return arg.substring(0, m.end()) + "(" + arg.substring(m.end()).strip() + ")";
    }

    /** Index of the ')' closing the call whose arguments start at {@code from}, skipping strings; -1 if none. */
    private static int matchingParenthesis(String s, int from) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(s, i);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return c == ')' ? i : -1;
                }
                depth--;
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String args) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(args, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(args.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(args.substring(start));
        return parts;
    }

    /** Index of the quote closing the string literal opening at {@code open}; -1 if unterminated. */
    private static int endOfString(String s, int open) {
        char quote = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == quote) {
                return i;
            }
        }
        return -1;
    }
}
