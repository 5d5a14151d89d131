package dev.jmoe.host.gguf;

import java.nio.file.Path;

/**
 * A GGUF file (or a set of split parts) that is not what the format allows: the message names the
 * file, the byte offset of the offending field where there is one, and what was wrong.
 */
public final class GgufFormatException extends RuntimeException {
    /** Offset meaning "the file as a whole" (a missing part, an inconsistent split). */
    public static final long NO_OFFSET = -1;

    private final Path file;
    private final long offset;
    private final String problem;

    public GgufFormatException(Path file, long offset, String problem) {
        super(describe(file, offset, problem));
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    public GgufFormatException(Path file, String problem) {
        this(file, NO_OFFSET, problem);
    }

    private static String describe(Path file, long offset, String problem) {
        String where = file == null ? "<memory>" : file.toString();
        return offset >= 0 ? where + " at byte " + offset + ": " + problem : where + ": " + problem;
    }

    /** The file at fault (null for bytes that never had one). */
    public Path file() {
        return file;
    }

    /** The byte offset of the offending field, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }

    /** What was wrong, without the file and offset. */
    public String problem() {
        return problem;
    }
}
