package dev.jmoe.host.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text at the special tokens it names, before the tokenizer proper sees it. Longer token texts are
 * tried first, so {@code <|im_end|>} is not cut as {@code <|im} plus the rest. Control and unknown tokens
 * are recognised only when the caller asks to parse special tokens; user-defined tokens always are, as
 * the reference does (they are ordinary vocabulary the model's authors added by hand).
 */
final class SpecialTokenSplitter {
    /** A piece of the input: plain text still to tokenize, or a token already known. */
    sealed interface Fragment {}

    record Text(String text) implements Fragment {}

    record Token(int id) implements Fragment {}

    private final Vocabulary vocab;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Text(text));
        for (int id : vocab.specialsLongestFirst()) {
            if (!parseSpecial && vocab.type(id) != TokenType.USER_DEFINED) continue;
            fragments = cutAt(fragments, vocab.text(id), id);
        }
        return fragments;
    }

    private static List<Fragment> cutAt(List<Fragment> fragments, String special, int id) {
        List<Fragment> out = new ArrayList<>(fragments.size());
        for (Fragment f : fragments) {
            if (!(f instanceof Text(String text)) || !text.contains(special)) {
                out.add(f);
                continue;
            }
            int from = 0;
            for (int at = text.indexOf(special); at >= 0; at = text.indexOf(special, from)) {
                if (at > from) out.add(new Text(text.substring(from, at)));
                out.add(new Token(id));
                from = at + special.length();
            }
            if (from < text.length()) out.add(new Text(text.substring(from)));
        }
        return out;
    }
}
