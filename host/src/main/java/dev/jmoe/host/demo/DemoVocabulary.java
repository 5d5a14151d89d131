package dev.jmoe.host.demo;

import dev.jmoe.host.tokenizer.PreTokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo model's byte-level BPE vocabulary: the 256 byte tokens, merges learned from a short English text
 * written for this purpose (plain BPE training: repeatedly join the most frequent adjacent pair), and three
 * control tokens. Everything is derived here, deterministically, so the vocabulary is the same on every run.
 */
record DemoVocabulary(List<String> tokens, List<String> merges, int endOfText, int imStart, int imEnd) {
    static final String PRE_TOKENIZER = "qwen2";
    static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    /** Text the merges are learned from: everyday English, so common words and word pieces become single tokens. */
    private static final String CORPUS = """
            Once upon a time there was a little town by the sea. In the town there lived an old man and his
            daughter. Every morning the old man went down to the water to see the boats come in, and every
            evening his daughter would ask him what he had seen. The people of the town were kind, and they
            liked to talk about the weather, the fish, the market and the news from the city. One day a
            stranger came to the town. He said that he was looking for a house where he could stay for the
            winter. The daughter said that there was a room in their house, and the stranger thanked her.
            He told them stories about the places he had been: the mountains in the north, the long roads
            through the forest, and the great river that ran to the east. When the spring came the stranger
            went on his way, but the town never forgot him. This is the story that the children of the town
            still tell, and they tell it the same way every time: once upon a time, there was a stranger who
            came from the sea and went back to the road. What do you think happened next? Nobody knows, but
            everyone has an idea. Some say he found a new home, and some say he is still walking.
            The answer is simple: you should write the code, test it, and then share it with the world.
            It is important that the work is done well, because other people will read it and use it.
            Good morning! How are you today? I am fine, thank you, and I hope that you are well too.
            We were talking about the things that matter: family, friends, food, music, books and the
            small moments that make a day worth living. She wanted to learn something new every week, so
            she started reading about science, history and language. He wanted to build things, so he
            learned how to write programs for computers, and later he taught other students how to do it.
            There are many ways to tell a story, but the best stories are often the simplest ones. A good
            question is worth more than a quick answer. Please remember to close the door when you leave
            the room, and turn off the light. The children played in the garden until the sun went down,
            and then they came inside for dinner. After dinner they read a book together and went to bed.
            Information about the system, the model and the number of tokens is printed at the end.
            The first thing to do is to check the input; the second is to think about the problem; the
            third is to find a solution that works for everyone, not only for the people in the room.
            """;

    /** Up to this many merges; training stops earlier when no pair occurs twice. */
    static final int MAX_MERGES = 400;

    static DemoVocabulary build() {
        List<String> tokens = new ArrayList<>(256 + MAX_MERGES + SPECIALS.size());
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(byteChar(b)));
        List<String> merges = learnMerges(CORPUS.replace('\n', ' '));
        for (String m : merges) {
            String joined = m.replace(" ", "");
            if (!tokens.contains(joined)) tokens.add(joined);
        }
        int first = tokens.size();
        tokens.addAll(SPECIALS);
        return new DemoVocabulary(List.copyOf(tokens), List.copyOf(merges), first, first + 1, first + 2);
    }

    int size() {
        return tokens.size();
    }

    private static List<String> learnMerges(String corpus) {
        Map<List<String>, Integer> words = new HashMap<>();
        for (String word : PreTokenizer.named(PRE_TOKENIZER).split(corpus)) {
            byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
            List<String> symbols = new ArrayList<>(bytes.length);
            for (byte b : bytes) symbols.add(String.valueOf(byteChar(b & 0xFF)));
            words.merge(symbols, 1, Integer::sum);
        }
        List<String> merges = new ArrayList<>();
        while (merges.size() < MAX_MERGES) {
            Map<String, Integer> pairs = new TreeMap<>(); // sorted, so ties go to the same pair every time
            words.forEach((symbols, count) -> {
                for (int i = 0; i + 1 < symbols.size(); i++) pairs.merge(symbols.get(i) + " " + symbols.get(i + 1), count, Integer::sum);
            });
            String best = null;
            for (Map.Entry<String, Integer> e : pairs.entrySet()) {
                if (e.getValue() >= 2 && (best == null || e.getValue() > pairs.get(best))) best = e.getKey();
            }
            if (best == null) break;
            merges.add(best);
            words = applyMerge(words, best);
        }
        return merges;
    }

    private static Map<List<String>, Integer> applyMerge(Map<List<String>, Integer> words, String merge) {
        int space = merge.indexOf(' ');
        String left = merge.substring(0, space);
        String right = merge.substring(space + 1);
        Map<List<String>, Integer> out = new HashMap<>();
        words.forEach((symbols, count) -> {
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            out.merge(merged, count, Integer::sum);
        });
        return out;
    }

    /**
     * GPT-2's printable stand-in for a byte, as byte-level BPE vocabularies spell bytes: printable Latin-1
     * bytes stand for themselves, the other 68 take code points 256, 257, … in byte order. (The tokenizer's
     * own map is internal to its package; this is the same published convention.)
     */
    static char byteChar(int b) {
        if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) return (char) b;
        int shifted = 0;
        for (int i = 0; i < b; i++) {
            if (!((i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF))) shifted++;
        }
        return (char) (256 + shifted);
    }
}
