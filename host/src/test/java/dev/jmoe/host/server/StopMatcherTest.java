package dev.jmoe.host.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stop strings found across piece boundaries; no part of a stop string is ever emitted. */
class StopMatcherTest {
    @Test
    void aStopStringSplitOverPiecesIsFoundAndNotEmitted() {
        StopMatcher m = new StopMatcher(List.of("END"));
        assertEquals(new StopMatcher.Step("abc", false), m.push("abcE"));
        assertEquals(new StopMatcher.Step("", false), m.push("N"));
        assertEquals(new StopMatcher.Step("", true), m.push("Dxyz"));
        assertEquals("", m.flush());
    }

    @Test
    void aHeldPrefixThatDoesNotCompleteIsReleased() {
        StopMatcher m = new StopMatcher(List.of("END"));
        assertEquals("a", m.push("aEN").text());
        assertEquals("ENd", m.push("d").text());
        m.push("E");
        assertEquals("E", m.flush());
    }

    @Test
    void theEarliestOfSeveralStopsWins() {
        StopMatcher m = new StopMatcher(List.of("world", "lo w"));
        StopMatcher.Step s = m.push("hello world");
        assertTrue(s.stopped());
        assertEquals("hel", s.text());
    }

    @Test
    void withoutStopsEverythingPassesAtOnce() {
        StopMatcher m = new StopMatcher(List.of());
        StopMatcher.Step s = m.push("any text");
        assertFalse(s.stopped());
        assertEquals("any text", s.text());
    }
}
