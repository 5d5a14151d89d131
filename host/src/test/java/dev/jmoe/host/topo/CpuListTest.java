package dev.jmoe.host.topo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuListTest {

    @Test
    void parsesRangesAndSingles() {
        assertEquals(List.of(0, 1, 2, 3, 8, 9, 10, 11), CpuList.parse("0-3,8-11\n"));
        assertEquals(List.of(5), CpuList.parse("5"));
        assertEquals(List.of(0, 2, 3, 7), CpuList.parse("7,0,2-3"));
        assertEquals(List.of(), CpuList.parse("\n"));
    }

    @Test
    void formatsAsTheShortestList() {
        assertEquals("0-3,8", CpuList.format(List.of(0, 1, 2, 3, 8)));
        assertEquals("1,3,5", CpuList.format(List.of(5, 3, 1)));
        assertEquals("4-7,12-15", CpuList.format(List.of(4, 5, 6, 7, 12, 13, 14, 15)));
        assertEquals("", CpuList.format(List.of()));
    }

    @Test
    void rejectsMalformedListsNamingThePart() {
        var backwards = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1"));
        assertTrue(backwards.getMessage().contains("3-1"), backwards.getMessage());
        var word = assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-3,x"));
        assertTrue(word.getMessage().contains("'x'"), word.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("2-"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0,,1"));
    }
}
