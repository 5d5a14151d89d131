package dev.jmoe.host.tokenizer;

/** The kinds of vocabulary entry, with the codes GGUF stores in {@code tokenizer.ggml.token_type}. */
public enum TokenType {
    UNDEFINED(0), NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a stored code; codes outside the table count as normal tokens. */
    public static TokenType ofCode(long code) {
        for (TokenType t : values()) if (t.code == code) return t;
        return NORMAL;
    }

    /** Whether text can name this token as a whole (split out before the tokenizer proper runs). */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED || this == UNKNOWN;
    }
}
