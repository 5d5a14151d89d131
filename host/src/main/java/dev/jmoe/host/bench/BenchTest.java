package dev.jmoe.host.bench;

/**
 * One llama-bench test: {@code ppN} (N prompt tokens from an empty cache), {@code tgN} (N single-token
 * decodes), either at KV depth D ({@code ppN @ dD}: D tokens evaluated untimed first).
 */
public record BenchTest(int nPrompt, int nGen, int nDepth) {
    public BenchTest {
        if (nPrompt < 0 || nGen < 0 || nDepth < 0) throw new IllegalArgumentException("test sizes must not be negative");
        if ((nPrompt > 0) == (nGen > 0)) throw new IllegalArgumentException("a test is either prompt processing or generation");
    }

    public static BenchTest prompt(int n, int depth) {
        return new BenchTest(n, 0, depth);
    }

    public static BenchTest generation(int n, int depth) {
        return new BenchTest(0, n, depth);
    }

    /** Tokens timed per run. */
    public int tokens() {
        return nPrompt + nGen;
    }

    /** Positions of KV cache the test needs. */
    public int contextNeeded() {
        return nDepth + nPrompt + nGen;
    }

    /** llama-bench's name: "pp512", "tg128", "pp512 @ d4096". */
    public String name() {
        String base = nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen;
        return nDepth > 0 ? base + " @ d" + nDepth : base;
    }
}
