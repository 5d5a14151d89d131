package dev.jmoe.host.tokenizer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How byte-level BPE cuts text into words before merging ({@code tokenizer.ggml.pre}). Each kind is a
 * sequence of regexes; each regex cuts every piece so far into its matches and the gaps between them
 * (gaps are kept as pieces too), so a later regex never sees across an earlier cut. Merges then run
 * within one word only.
 */
public enum PreTokenizer {
    /** GPT-2's own split: contractions, optional space + letters / digits / other, whitespace runs. */
    GPT2(false, List.of("gpt-2", "phi-2", "mpt", "olmo", "roberta-bpe"),
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"),
    /** Llama 3: case-insensitive contractions, one leading non-letter glued to letters, digits in threes. */
    LLAMA3(true, List.of("llama3", "llama-v3", "llama-bpe"),
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** Qwen 2/3: as Llama 3 but every digit alone. */
    QWEN2(false, List.of("qwen2", "deepseek-r1-qwen"),
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** DeepSeek LLM: line breaks alone, cased-letter words, ASCII/full-width punctuation runs, CJK runs, digit runs. */
    DEEPSEEK_LLM(false, List.of("deepseek-llm"),
            "[\\r\\n]",
            "\\s?[\\p{Lu}\\p{Ll}\\p{Lt}]+",
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
            "\\s+\\z",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}+"),
    /** DeepSeek Coder: line breaks alone, letter words, punctuation runs, CJK runs, each digit alone. */
    DEEPSEEK_CODER(false, List.of("deepseek-coder"),
            "[\\r\\n]",
            "\\s?\\p{L}+",
            "\\s?\\p{P}+",
            "[一-龥ࠀ-一가-퟿]+",
            "\\p{N}"),
    /** DeepSeek V3/R1: digits in threes, CJK/kana runs, then a Llama-3-like split over letters and marks. */
    DEEPSEEK_V3(false, List.of("deepseek-v3"),
            "\\p{N}{1,3}",
            "[一-龥぀-ゟ゠-ヿ]+",
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                    + "| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    /** What the reference uses for an unnamed BPE vocabulary. */
    DEFAULT(false, List.of("default"),
            "[\\p{P}\\$\\+<=>\\^~\\|]+",
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
            "\\p{N}+",
            "[0-9][0-9][0-9]");

    private static final Logger log = LoggerFactory.getLogger(PreTokenizer.class);

    private final boolean wholeWordsFirst;
    private final List<String> names;
    private final List<Pattern> patterns;

    PreTokenizer(boolean wholeWordsFirst, List<String> names, String... regexes) {
        this.wholeWordsFirst = wholeWordsFirst;
        this.names = names;
        // Unicode classes so \s is Unicode White_Space, as the reference's \s is.
        this.patterns = java.util.Arrays.stream(regexes).map(r -> Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS)).toList();
    }

    /** The pre-tokenizer a {@code tokenizer.ggml.pre} value names; unknown names fall back to {@link #DEFAULT} with a warning. */
    public static PreTokenizer named(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (PreTokenizer p : values()) if (p.names.contains(key)) return p;
        log.warn("unknown BPE pre-tokenizer '{}'; using the default split, so tokens may differ from the model's own", name);
        return DEFAULT;
    }

    /**
     * Whether a word that is itself a vocabulary entry is taken whole, without merging (Llama 3's
     * tokenizer does this; merging would sometimes reach a different split).
     */
    boolean wholeWordsFirst() {
        return wholeWordsFirst;
    }

    /** The words of {@code text}, in order; they concatenate back to {@code text}. */
    public List<String> split(String text) {
        List<int[]> pieces = new ArrayList<>();
        pieces.add(new int[] {0, text.length()});
        for (Pattern p : patterns) pieces = cut(text, pieces, p.matcher(text));
        List<String> words = new ArrayList<>(pieces.size());
        for (int[] piece : pieces) words.add(text.substring(piece[0], piece[1]));
        return words;
    }

    private static List<int[]> cut(String text, List<int[]> pieces, Matcher m) {
        List<int[]> out = new ArrayList<>(pieces.size() * 2);
        for (int[] piece : pieces) {
            m.region(piece[0], piece[1]); // anchoring, opaque bounds: the regex sees only this piece
            int from = piece[0];
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (m.start() > from) out.add(new int[] {from, m.start()});
                out.add(new int[] {m.start(), m.end()});
                from = m.end();
            }
            if (from < piece[1]) out.add(new int[] {from, piece[1]});
        }
        return out;
    }
}
