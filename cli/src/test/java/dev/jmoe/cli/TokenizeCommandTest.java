package dev.jmoe.cli;

import dev.jmoe.host.TestData;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {
    record Result(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.getLast();
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = JmoeCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String vocab(String name) {
        return TestData.vocab("ggml-vocab-" + name + ".gguf").toString();
    }

    @Test
    void idsOfAVocabularyOnlyFileWithBos() {
        // llama-spm: BOS 1, "▁Hello" 15043, "▁world" 3186 (the reference's test vectors).
        Result r = run("tokenize", "-m", vocab("llama-spm"), "--ids", "Hello world");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[1, 15043, 3186]", r.lastLine());
        assertEquals("[15043, 3186]", run("tokenize", "-m", vocab("llama-spm"), "--ids", "--no-bos", "Hello world").lastLine());
    }

    @Test
    void onePiecePerLineByDefault() {
        Result r = run("tokenize", "-m", vocab("llama-spm"), "Hello world");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("     1 -> '<s>'", " 15043 -> ' Hello'", "  3186 -> ' world'"), r.out().lines().toList());
    }

    @Test
    void partialCharactersShowTheirBytes() {
        // 🦙 has no piece in llama-spm: four byte tokens <0xF0> <0x9F> <0xA6> <0x99>.
        Result r = run("tokenize", "-m", vocab("llama-spm"), "--no-bos", "🦙");
        assertTrue(r.out().contains("   243 -> '\\xF0'"), r.out());
        // gpt-2 has a token for " " plus the first two bytes of 🦙: the space prints, the bytes do not.
        assertEquals(" \\xF0\\x9F", TokenizeCommand.printable(new byte[] {' ', (byte) 0xF0, (byte) 0x9F}));
        assertEquals("ü\\xC3", TokenizeCommand.printable(new byte[] {(byte) 0xC3, (byte) 0xBC, (byte) 0xC3}));
    }

    @Test
    void specialTokensAreParsedUnlessTurnedOff() {
        assertEquals("[1, 15043]", run("tokenize", "-m", vocab("llama-spm"), "--ids", "--no-bos", "<s>Hello").lastLine());
        String plain = run("tokenize", "-m", vocab("llama-spm"), "--ids", "--no-bos", "--no-parse-special", "<s>Hello").lastLine();
        assertTrue(!plain.startsWith("[1,"), plain);
    }

    @Test
    void textFromAFileMatchesTheGoldenPromptIds(@TempDir Path dir) throws IOException {
        List<String> golden = Files.readAllLines(TestData.golden("qwen3moe-a-f32.tokens.txt"), StandardCharsets.UTF_8);
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), golden.get(0), StandardCharsets.UTF_8);
        Result r = run("tokenize", "-m", TestData.model("qwen3moe-a-f32").toString(), "--ids", "-f", prompt.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("[" + golden.get(1).replace(",", ", ") + "]", r.lastLine());
    }

    @Test
    void badInputGetsOneClearLine(@TempDir Path dir) {
        Result both = run("tokenize", "-m", vocab("gpt-2"), "-f", dir.resolve("x.txt").toString(), "text");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("exactly one"), both.err());
        Result neither = run("tokenize", "-m", vocab("gpt-2"));
        assertEquals(2, neither.exit());
        Result noFile = run("tokenize", "-m", vocab("gpt-2"), "-f", dir.resolve("missing.txt").toString());
        assertEquals(1, noFile.exit());
        assertEquals(1, noFile.err().lines().count(), noFile.err());
        assertTrue(noFile.err().contains("missing.txt"), noFile.err());
        Path t5 = dir.resolve("t5.gguf");
        new GgufWriter().put("tokenizer.ggml.model", new GgufValue.Str("t5"))
                .put("tokenizer.ggml.tokens", GgufValue.Array.ofStrings(List.of("a"))).write(t5);
        Result unsupported = run("tokenize", "-m", t5.toString(), "hi");
        assertEquals(1, unsupported.exit());
        assertTrue(unsupported.err().startsWith("jmoe tokenize: " + t5) && unsupported.err().contains("'t5'"), unsupported.err());
        Result noModel = run("tokenize", "-m", dir.resolve("none.gguf").toString(), "hi");
        assertEquals(1, noModel.exit());
        assertTrue(noModel.err().startsWith("jmoe tokenize: ") && noModel.err().contains("none.gguf"), noModel.err());
    }
}
