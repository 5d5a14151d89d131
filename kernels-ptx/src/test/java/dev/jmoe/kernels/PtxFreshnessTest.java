package dev.jmoe.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CUDA toolkit is installed, the committed PTX must be what {@code scripts/ptx.sh} builds
 * from the sources now, and must assemble for sm_80 with its declared (lowered) ISA version.
 * Without the toolkit these checks are skipped, not passed.
 */
class PtxFreshnessTest {

    @Test
    void committedPtxIsWhatTheSourcesCompileTo(@TempDir Path fresh) throws Exception {
        assumeTrue(PtxSources.onPath("nvcc") != null, "nvcc not on PATH: PTX freshness not checked");
        ExternalCommand build = ExternalCommand.run(List.of("bash", PtxSources.PTX_SCRIPT.toString(), "--out", fresh.toString()));
        assertEquals(0, build.exitStatus(), "scripts/ptx.sh --out failed:\n" + build.output());

        for (String name : PtxSources.names(PtxSources.CUDA, ".cu")) {
            Path committed = PtxSources.PTX.resolve(name + ".ptx");
            if (!Files.exists(committed)) fail("PTX stale: run scripts/ptx.sh (" + committed + " missing)");
            List<String> want = PtxSources.body(Files.readAllLines(fresh.resolve(name + ".ptx")));
            List<String> have = PtxSources.body(Files.readAllLines(committed));
            if (!want.equals(have)) fail("PTX stale: run scripts/ptx.sh (" + committed + ": " + firstDifference(have, want) + ")");
        }
    }

    @Test
    void committedPtxAssemblesForSm80() throws IOException, InterruptedException {
        assumeTrue(PtxSources.onPath("ptxas") != null, "ptxas not on PATH: PTX assembly not checked");
        for (String name : PtxSources.names(PtxSources.PTX, ".ptx")) {
            Path ptx = PtxSources.PTX.resolve(name + ".ptx");
            ExternalCommand as = ExternalCommand.run(List.of("ptxas", "-arch=sm_80", "-o", "/dev/null", ptx.toString()));
            assertEquals(0, as.exitStatus(), ptx + " does not assemble for sm_80 with its declared ISA:\n" + as.output());
        }
    }

    private static String firstDifference(List<String> have, List<String> want) {
        for (int i = 0; i < Math.max(have.size(), want.size()); i++) {
            String h = i < have.size() ? have.get(i) : "<end>";
            String w = i < want.size() ? want.get(i) : "<end>";
            if (!h.equals(w)) return "body line " + (i + 1) + " is '" + h.strip() + "', fresh build has '" + w.strip() + "'";
        }
        return "identical";
    }
}
