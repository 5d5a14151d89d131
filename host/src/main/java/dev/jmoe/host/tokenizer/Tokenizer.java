package dev.jmoe.host.tokenizer;

import dev.jmoe.host.gguf.GgufFormatException;
import dev.jmoe.host.gguf.GgufMetadata;
import dev.jmoe.host.gguf.GgufModel;

import java.nio.charset.StandardCharsets;

/**
 * Text to token ids and back, for the vocabulary kinds GGUF models carry ({@code tokenizer.ggml.model}):
 * byte-level BPE ({@code gpt2}) and SentencePiece ({@code llama}). Safe for use by several threads.
 *
 * <p>Encoding first cuts the text at special tokens (see {@link SpecialTokenSplitter}), then each plain
 * piece goes to the kind's own algorithm; BOS/EOS are added where the vocabulary asks for them.
 */
public abstract sealed class Tokenizer permits BpeTokenizer, SpmTokenizer {
    static final String MODEL_KEY = "tokenizer.ggml.model";

    private final Vocabulary vocab;
    private final SpecialTokenSplitter splitter;

    Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.splitter = new SpecialTokenSplitter(vocab);
    }

    /** The tokenizer of a model (or vocabulary-only) file; errors name the file. */
    public static Tokenizer of(GgufModel model) {
        try {
            return fromMetadata(model.metadata());
        } catch (GgufFormatException e) {
            if (e.file() != null) throw e;
            throw new GgufFormatException(model.path(), e.offset(), e.problem());
        }
    }

    /** The tokenizer a model's metadata describes; an unknown {@code tokenizer.ggml.model} is an error naming it. */
    public static Tokenizer fromMetadata(GgufMetadata md) {
        String model = md.getString(MODEL_KEY);
        return switch (model) {
            case "gpt2" -> BpeTokenizer.read(md);
            case "llama" -> SpmTokenizer.read(md);
            default -> throw new GgufFormatException(null, md.offsetOf(MODEL_KEY), MODEL_KEY + " is '" + model
                    + "'; supported tokenizers are 'gpt2' (byte-level BPE) and 'llama' (SentencePiece)");
        };
    }

    /**
     * The token ids of {@code text}.
     *
     * @param addBos       add BOS (and EOS) where the vocabulary asks for them ({@code add_bos_token}, {@code add_eos_token})
     * @param parseSpecial recognise control tokens written in the text (such as {@code <|im_end|>}) as those tokens;
     *                     otherwise they are tokenized as plain text
     */
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IntList out = new IntList();
        if (addBos && vocab.addBos()) out.add(vocab.bos());
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            switch (f) {
                case SpecialTokenSplitter.Token(int id) -> {
                    out.add(id);
                    afterSpecial = true;
                }
                case SpecialTokenSplitter.Text(String plain) -> {
                    encodePlain(plain, afterSpecial, out);
                    afterSpecial = false;
                }
            }
        }
        if (addBos && vocab.addEos()) out.add(vocab.eos());
        return out.toArray();
    }

    /** {@link #encode(String, boolean, boolean)} with BOS as the vocabulary asks and special tokens parsed. */
    public int[] encode(String text) {
        return encode(text, true, true);
    }

    /** Appends the ids of text holding no special tokens; {@code afterSpecial}: it starts the input or follows a special token. */
    abstract void encodePlain(String text, boolean afterSpecial, IntList out);

    /**
     * The bytes a token stands for. They need not be whole UTF-8 characters (a character can span
     * tokens); {@link TokenDecoder} joins them. Control tokens give their text only with {@code renderSpecial}.
     */
    public abstract byte[] pieceBytes(int id, boolean renderSpecial);

    /** A token's text for display, control tokens included; a partial UTF-8 character shows as U+FFFD. */
    public String tokenPiece(int id) {
        return new String(pieceBytes(id, true), StandardCharsets.UTF_8);
    }

    /** The text of a whole token sequence, control tokens (BOS, EOS, …) left out. */
    public String decode(int[] ids) {
        TokenDecoder d = new TokenDecoder(this);
        StringBuilder b = new StringBuilder();
        for (int id : ids) b.append(d.next(id));
        return b.append(d.finish()).toString();
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** BOS id, or -1 if the vocabulary has none. */
    public int bos() {
        return vocab.bos();
    }

    /** EOS id, or -1 if the vocabulary has none. */
    public int eos() {
        return vocab.eos();
    }

    /** Whether generation should stop at this token (EOS, end of turn, …). */
    public boolean isEog(int id) {
        return vocab.isEndOfGeneration(id);
    }

    /** Whether encoding adds BOS by default. */
    public boolean addsBos() {
        return vocab.addBos();
    }

    /** Bytes of {@code text} as UTF-8. */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
