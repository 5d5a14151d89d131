package dev.jmoe.host.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplerConfigTest {

    @Test
    void defaultsAreLlamaCpps() {
        SamplerConfig d = SamplerConfig.defaults();
        assertEquals(new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, -1L), d);
        assertFalse(d.hasPenalties());
        assertFalse(d.isGreedy());
        assertTrue(SamplerConfig.greedy().isGreedy());
    }

    @Test
    void invalidValuesAreRejectedWithTheFieldNamed() {
        SamplerConfig d = SamplerConfig.defaults();
        assertEquals("temperature must be >= 0 (0 = greedy), got -0.5",
                assertThrows(IllegalArgumentException.class, () -> d.withTemperature(-0.5f)).getMessage());
        assertEquals("top_p must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> d.withTruncation(40, 0f, 0.05f)).getMessage());
        assertEquals("top_p must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> d.withTruncation(40, 1.5f, 0.05f)).getMessage());
        assertEquals("top_k must be >= 0 (0 = off), got -1",
                assertThrows(IllegalArgumentException.class, () -> d.withTruncation(-1, 0.9f, 0.05f)).getMessage());
        assertEquals("min_p must be in [0, 1], got 2.0",
                assertThrows(IllegalArgumentException.class, () -> d.withTruncation(40, 0.9f, 2f)).getMessage());
        assertEquals("repeat_penalty must be > 0 (1 = off), got 0.0",
                assertThrows(IllegalArgumentException.class, () -> d.withPenalties(0f, 64, 0, 0)).getMessage());
        assertEquals("repeat_last_n must be >= 0 (0 = off), got -2",
                assertThrows(IllegalArgumentException.class, () -> d.withPenalties(1.1f, -2, 0, 0)).getMessage());
        assertEquals("presence_penalty must be in [-2, 2], got 3.0",
                assertThrows(IllegalArgumentException.class, () -> d.withPenalties(1f, 64, 3f, 0)).getMessage());
        assertEquals("frequency_penalty must be in [-2, 2], got NaN",
                assertThrows(IllegalArgumentException.class, () -> d.withPenalties(1f, 64, 0, Float.NaN)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withTemperature(Float.POSITIVE_INFINITY));
    }

    @Test
    void penaltiesCountAsOnOnlyWithAWindowAndANonNeutralValue() {
        SamplerConfig d = SamplerConfig.defaults();
        assertTrue(d.withPenalties(1.1f, 64, 0, 0).hasPenalties());
        assertTrue(d.withPenalties(1f, 64, 0.5f, 0).hasPenalties());
        assertFalse(d.withPenalties(1.1f, 0, 0.5f, 0.5f).hasPenalties());
    }
}
