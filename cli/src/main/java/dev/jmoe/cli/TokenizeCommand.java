package dev.jmoe.cli;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code jmoe tokenize}: a text's token ids under a model's vocabulary, as {@code llama-tokenize} prints them. */
@Command(name = "tokenize", description = "Tokenizes TEXT (or the file given with -f) with the model's vocabulary. "
        + "Prints one line per token, 'id -> 'piece'', or with --ids the ids as a list. Needs only the tokenizer metadata.")
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "The GGUF file (a vocabulary-only file will do).")
    Path model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TEXT", description = "The text to tokenize.")
    String text;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the text from this UTF-8 file instead.")
    Path file;

    @Option(names = "--no-bos", description = "Do not add BOS (or EOS) even where the vocabulary asks for it.")
    boolean noBos;

    @Option(names = "--no-parse-special", description = "Tokenize special-token text such as <s> as plain text.")
    boolean noParseSpecial;

    @Option(names = "--ids", description = "Print only the ids, as a list: [1, 15043].")
    boolean idsOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String input = input();
        Tokenizer tokenizer = Tokenizer.of(GgufModel.open(model));
        int[] ids = tokenizer.encode(input, !noBos, !noParseSpecial);
        PrintWriter out = spec.commandLine().getOut();
        if (idsOnly) {
            out.println(idList(ids));
        } else {
            for (int id : ids) out.printf("%6d -> '%s'%n", id, printable(tokenizer.pieceBytes(id, true)));
        }
        out.flush();
        return 0;
    }

    private String input() throws IOException {
        if ((text == null) == (file == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the text either as TEXT or with -f FILE (exactly one of them)");
        }
        if (text != null) return text;
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + file, e);
        } catch (MalformedInputException e) {
            throw new IOException(file + " is not valid UTF-8", e);
        }
    }

    static String idList(int[] ids) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int id : ids) j.add(Integer.toString(id));
        return j.toString();
    }

    /** The piece as text; bytes that are not part of a whole UTF-8 character (a character split across tokens) show as \\xNN. */
    static String printable(byte[] piece) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < piece.length) {
            int length = sequenceLength(piece[i]);
            String ch = length > 0 && i + length <= piece.length ? strictUtf8(piece, i, length) : null;
            if (ch != null) {
                b.append(ch);
                i += length;
            } else {
                b.append(String.format("\\x%02X", piece[i++] & 0xFF));
            }
        }
        return b.toString();
    }

    /** The length of the UTF-8 sequence a lead byte starts, or 0 if it cannot start one. */
    private static int sequenceLength(byte lead) {
        int c = lead & 0xFF;
        return c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    }

    private static String strictUtf8(byte[] bytes, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
