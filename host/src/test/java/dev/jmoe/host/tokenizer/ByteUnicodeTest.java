package dev.jmoe.host.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** GPT-2's byte ↔ character table, checked against the values the GPT-2 vocabulary itself spells. */
class ByteUnicodeTest {

    @Test
    void everyByteHasItsOwnVisibleCharacterAndMapsBack() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteUnicode.charOf(b);
            assertFalse(Character.isWhitespace(c) || Character.isISOControl(c), "byte " + b + " → U+" + Integer.toHexString(c));
            seen.add(c);
            assertEquals(b, ByteUnicode.byteOf(c));
        }
        assertEquals(256, seen.size());
    }

    @Test
    void knownSpellings() {
        assertEquals('Ġ', ByteUnicode.charOf(' '));  // "Ġthe" in every GPT-2 vocabulary
        assertEquals('Ċ', ByteUnicode.charOf('\n'));
        assertEquals('ĉ', ByteUnicode.charOf('\t'));
        assertEquals('!', ByteUnicode.charOf('!'));
        assertEquals('Ā', ByteUnicode.charOf(0));
        assertEquals('Ń', ByteUnicode.charOf(0xAD)); // the soft hyphen is the last of the 68 remapped bytes: 256 + 67
        assertEquals(-1, ByteUnicode.byteOf('\u2581'));
        assertEquals("ĠHÃ¼", ByteUnicode.encode(" Hü"));
    }
}
