package dev.jmoe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmoe.host.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code inspect --load} with the load flags: the data is placed as asked, or the fallback is reported. */
class InspectLoadTest {

    @Test
    void loadReportsModeBytesAndFallbacks() throws Exception {
        Path model = TestData.model("qwen3moe-a-q8_0");
        MainTest.Result r = MainTest.jmoe("inspect", model.toString(), "--json", "--load", "--no-mmap");
        assertEquals(0, r.code(), r.err());
        JsonNode load = new ObjectMapper().readTree(r.out()).get("load");
        assertEquals(1, load.size());
        long dataBytes = Files.size(model) - new ObjectMapper().readTree(r.out()).get("files").get(0).get("dataOffset").asLong();
        assertEquals(dataBytes, load.get(0).get("bytes").asLong());
        assertEquals("anon-4k", load.get(0).get("mode").asText());
    }

    @Test
    void emptyHugetlbPoolFallsBackInsteadOfFailing() throws Exception {
        // Only meaningful where the 1 GiB pool is empty (as on CI machines).
        Path free = Path.of("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages");
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.exists(free) || Files.readString(free).trim().equals("0"),
                "1 GiB pool has pages here");
        MainTest.Result r = MainTest.jmoe("inspect", TestData.model("qwen3moe-a-q8_0").toString(), "--load", "--hugepages", "1g");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fell back: 1g:"), r.out());
    }

    @Test
    void unknownHugePageModeIsAUsageError() {
        MainTest.Result r = MainTest.jmoe("inspect", "x.gguf", "--hugepages", "4m");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'4m' is not one of off, thp, 2m, 1g"), r.err());
    }
}
