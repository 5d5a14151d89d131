package dev.jmoe.host.demo;

import dev.jmoe.host.chat.BuiltInTemplate;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import dev.jmoe.host.tokenizer.TokenType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A small synthetic qwen3moe model (seeded random F32 weights, a byte-level BPE vocabulary of its own), so
 * {@code jmoe run} works before any model is downloaded. Its text is gibberish; it exercises every part of
 * the engine. Written once into the cache directory; the file name carries {@link #VERSION}, so a change
 * to what is written here gives a new file instead of reusing a stale one.
 */
public final class DemoModel {
    /** Bump when the written file changes in any way. */
    static final int VERSION = 1;
    static final String FILE_NAME = "demo-qwen3moe-v" + VERSION + ".gguf";
    private static final long SEED = 0x6A6D6F65L; // "jmoe"

    static final int LAYERS = 2;
    static final int EMBD = 128;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int HEAD_DIM = 32;
    static final int EXPERTS = 8;
    static final int EXPERTS_USED = 2;
    static final int EXPERT_FF = 128;
    static final int CONTEXT = 4096;

    private DemoModel() {}

    /** The demo model in the default cache directory, written there first if it is not yet. */
    public static Path ensure() {
        return ensure(cacheDirectory());
    }

    /** The demo model in {@code directory}, written there first (to a temp file, then renamed) if it is not yet. */
    public static Path ensure(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) return file;
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, FILE_NAME, ".tmp"); // same directory, so the rename is atomic
            try {
                writeTo(temp);
                moveIntoPlace(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model to " + directory + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** {@code $XDG_CACHE_HOME/jmoe}, else {@code ~/.cache/jmoe}; the system property {@code jmoe.cache.dir} overrides both. */
    public static Path cacheDirectory() {
        String override = System.getProperty("jmoe.cache.dir");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "jmoe");
        return Path.of(System.getProperty("user.home"), ".cache", "jmoe");
    }

    /** Writes the model to {@code path} (the same bytes every time). */
    static void writeTo(Path path) {
        DemoVocabulary vocab = DemoVocabulary.build();
        GgufWriter w = new GgufWriter();
        putModelMetadata(w, vocab.size());
        putVocabulary(w, vocab);
        putTensors(w, vocab.size(), new SplittableRandom(SEED));
        w.write(path);
    }

    private static void putModelMetadata(GgufWriter w, int vocab) {
        String p = "qwen3moe.";
        w.put("general.architecture", new GgufValue.Str("qwen3moe"));
        w.put("general.name", new GgufValue.Str("jmoe demo (synthetic, random weights) v" + VERSION));
        w.put(p + "block_count", new GgufValue.UInt32(LAYERS));
        w.put(p + "context_length", new GgufValue.UInt32(CONTEXT));
        w.put(p + "embedding_length", new GgufValue.UInt32(EMBD));
        w.put(p + "feed_forward_length", new GgufValue.UInt32(EXPERT_FF));
        w.put(p + "expert_feed_forward_length", new GgufValue.UInt32(EXPERT_FF));
        w.put(p + "attention.head_count", new GgufValue.UInt32(HEADS));
        w.put(p + "attention.head_count_kv", new GgufValue.UInt32(KV_HEADS));
        w.put(p + "attention.key_length", new GgufValue.UInt32(HEAD_DIM));
        w.put(p + "attention.value_length", new GgufValue.UInt32(HEAD_DIM));
        w.put(p + "rope.freq_base", new GgufValue.Float32(1_000_000f));
        w.put(p + "attention.layer_norm_rms_epsilon", new GgufValue.Float32(1e-6f));
        w.put(p + "expert_count", new GgufValue.UInt32(EXPERTS));
        w.put(p + "expert_used_count", new GgufValue.UInt32(EXPERTS_USED));
        w.put(p + "vocab_size", new GgufValue.UInt32(vocab));
    }

    private static void putVocabulary(GgufWriter w, DemoVocabulary vocab) {
        int[] types = new int[vocab.size()];
        for (int i = 0; i < types.length; i++) types[i] = i >= vocab.endOfText() ? TokenType.CONTROL.code() : TokenType.NORMAL.code();
        w.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        w.put("tokenizer.ggml.pre", new GgufValue.Str(DemoVocabulary.PRE_TOKENIZER));
        w.put("tokenizer.ggml.tokens", GgufValue.Array.ofStrings(vocab.tokens()));
        w.put("tokenizer.ggml.token_type", GgufValue.Array.ofInt32(types));
        w.put("tokenizer.ggml.merges", GgufValue.Array.ofStrings(vocab.merges()));
        w.put("tokenizer.ggml.bos_token_id", new GgufValue.UInt32(vocab.endOfText()));
        w.put("tokenizer.ggml.eos_token_id", new GgufValue.UInt32(vocab.imEnd()));
        w.put("tokenizer.ggml.padding_token_id", new GgufValue.UInt32(vocab.endOfText()));
        w.put("tokenizer.ggml.add_bos_token", new GgufValue.Bool(false));
        w.put("tokenizer.chat_template", new GgufValue.Str(BuiltInTemplate.CHATML.source()));
    }

    private static void putTensors(GgufWriter w, int vocab, SplittableRandom random) {
        int q = HEADS * HEAD_DIM;
        int kv = KV_HEADS * HEAD_DIM;
        w.addTensor("token_embd.weight", new long[] {EMBD, vocab}, uniform(random, EMBD * vocab, 1f));
        for (int i = 0; i < LAYERS; i++) {
            String p = "blk." + i + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {EMBD}, ones(EMBD));
            w.addTensor(p + "attn_q.weight", new long[] {EMBD, q}, matrix(random, EMBD, q));
            w.addTensor(p + "attn_k.weight", new long[] {EMBD, kv}, matrix(random, EMBD, kv));
            w.addTensor(p + "attn_v.weight", new long[] {EMBD, kv}, matrix(random, EMBD, kv));
            w.addTensor(p + "attn_q_norm.weight", new long[] {HEAD_DIM}, ones(HEAD_DIM));
            w.addTensor(p + "attn_k_norm.weight", new long[] {HEAD_DIM}, ones(HEAD_DIM));
            w.addTensor(p + "attn_output.weight", new long[] {q, EMBD}, matrix(random, q, EMBD));
            w.addTensor(p + "ffn_norm.weight", new long[] {EMBD}, ones(EMBD));
            w.addTensor(p + "ffn_gate_inp.weight", new long[] {EMBD, EXPERTS}, matrix(random, EMBD, EXPERTS));
            w.addTensor(p + "ffn_gate_exps.weight", new long[] {EMBD, EXPERT_FF, EXPERTS}, uniform(random, EMBD * EXPERT_FF * EXPERTS, scale(EMBD)));
            w.addTensor(p + "ffn_up_exps.weight", new long[] {EMBD, EXPERT_FF, EXPERTS}, uniform(random, EMBD * EXPERT_FF * EXPERTS, scale(EMBD)));
            w.addTensor(p + "ffn_down_exps.weight", new long[] {EXPERT_FF, EMBD, EXPERTS}, uniform(random, EXPERT_FF * EMBD * EXPERTS, scale(EXPERT_FF)));
        }
        w.addTensor("output_norm.weight", new long[] {EMBD}, ones(EMBD));
        w.addTensor("output.weight", new long[] {EMBD, vocab}, outputMatrix(random, vocab));
    }

    /**
     * The output projection, with the rows of bytes that are not printable ASCII set to zero: their logit is
     * always 0 while the others spread around it, so they are hardly ever picked, and the demo's gibberish
     * comes out as readable characters and word pieces instead of broken UTF-8.
     */
    private static float[] outputMatrix(SplittableRandom random, int vocab) {
        float[] w = matrix(random, EMBD, vocab);
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= ' ' && b <= '~') || b == '\n';
            if (!printable) Arrays.fill(w, b * EMBD, (b + 1) * EMBD, 0f);
        }
        return w;
    }

    /** A [in → out] matrix whose outputs have about unit variance for unit-variance inputs. */
    private static float[] matrix(SplittableRandom random, int in, int out) {
        return uniform(random, in * out, scale(in));
    }

    /** Half-width of a uniform distribution with variance 1/fanIn. */
    private static float scale(int fanIn) {
        return (float) Math.sqrt(3.0 / fanIn);
    }

    private static float[] uniform(SplittableRandom random, int n, float halfWidth) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((random.nextDouble() * 2 - 1) * halfWidth);
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
