package dev.jmoe.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The committed PTX matches the sources one to one and stays loadable by CUDA 12 drivers. Runs everywhere. */
class PtxInventoryTest {

    private static final Pattern VERSION = Pattern.compile("^\\.version (\\d+)\\.(\\d+)$", Pattern.MULTILINE);
    private static final Pattern TARGET = Pattern.compile("^\\.target (\\S+)$", Pattern.MULTILINE);

    @Test
    void everySourceHasCommittedPtxAndViceVersa() {
        var sources = PtxSources.names(PtxSources.CUDA, ".cu");
        assertFalse(sources.isEmpty(), "no .cu in " + PtxSources.CUDA);
        assertEquals(sources, PtxSources.names(PtxSources.PTX, ".ptx"),
                ".cu sources in " + PtxSources.CUDA + " and committed .ptx in " + PtxSources.PTX
                        + " differ: run scripts/ptx.sh (and delete the PTX of a removed source)");
    }

    @Test
    void committedPtxDeclaresAnIsaCuda12DriversAcceptAndTargetsSm80() throws IOException {
        for (String name : PtxSources.names(PtxSources.PTX, ".ptx")) {
            String ptx = Files.readString(PtxSources.PTX.resolve(name + ".ptx"));
            Matcher version = VERSION.matcher(ptx);
            assertTrue(version.find(), name + ".ptx: no .version line");
            // CUDA 12.0 drivers JIT up to ISA 8.0; 7.x is what sm_80 code needs (see scripts/ptx.sh).
            assertEquals(7, Integer.parseInt(version.group(1)),
                    name + ".ptx declares .version " + version.group(1) + "." + version.group(2)
                            + ", want 7.x so CUDA 12 drivers load it: run scripts/ptx.sh");
            Matcher target = TARGET.matcher(ptx);
            assertTrue(target.find(), name + ".ptx: no .target line");
            assertEquals("sm_80", target.group(1), name + ".ptx: .target");
        }
    }

    @Test
    void imageIsTheResourceFollowedByOneNul() {
        byte[] image = Ptx.image(Ptx.RMSNORM);
        String text = Ptx.text(Ptx.RMSNORM);
        assertEquals(text.length() + 1, image.length);
        assertEquals(0, image[image.length - 1]);
        assertFalse(text.contains("\0"), "PTX text must not contain NUL itself");
        assertTrue(text.contains(".visible .entry " + Ptx.RMSNORM_F32 + "("),
                "rmsnorm.ptx lacks entry " + Ptx.RMSNORM_F32 + " (extern \"C\" name)");
    }

    @Test
    void missingModuleIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ptx.image("no_such_kernel"));
        assertTrue(e.getMessage().contains("ptx/no_such_kernel.ptx"), e.getMessage());
    }

    @Test
    void bodySkipsOnlyTheLeadingCommentBlock() {
        var lines = List.of("//", "// Cuda compilation tools, release 13.0", "//", "", ".version 7.0", "// kept", "ret;");
        assertEquals(List.of(".version 7.0", "// kept", "ret;"), PtxSources.body(lines));
    }
}
