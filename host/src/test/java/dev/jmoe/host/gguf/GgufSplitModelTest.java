package dev.jmoe.host.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufSplitModelTest {
    @TempDir
    Path dir;

    /** Writes part {@code no} (1-based) of 3 holding one F32 tensor filled with {@code no}. */
    private void writePart(int no, long splitNo, long count, long tensorsCount) {
        GgufWriter w = new GgufWriter()
                .put("split.no", new GgufValue.UInt16((int) splitNo))
                .put("split.count", new GgufValue.UInt16((int) count))
                .put("split.tensors.count", new GgufValue.Int32((int) tensorsCount));
        if (no == 1) w.put("general.architecture", new GgufValue.Str("test"));
        float[] data = new float[16];
        java.util.Arrays.fill(data, no);
        w.addTensor("t" + no, new long[] {16}, data).write(dir.resolve(GgufModel.partName("m", no, 3)));
    }

    private void writeParts() {
        for (int no = 1; no <= 3; no++) writePart(no, no - 1, 3, 3);
    }

    @Test
    void anyPartOpensTheWholeModel() {
        writeParts();
        GgufModel model = GgufModel.open(dir.resolve("m-00002-of-00003.gguf"));
        assertEquals(3, model.parts().size());
        assertEquals(dir.resolve("m-00001-of-00003.gguf"), model.path());
        assertEquals("test", model.metadata().getString("general.architecture"));
        assertEquals(List.of("t1", "t2", "t3"), model.tensors().stream().map(GgufTensorInfo::name).toList());
        assertEquals(dir.resolve("m-00003-of-00003.gguf"), model.tensor("t3").file());
        try (TensorDataSource data = TensorDataSource.open(model)) {
            for (int no = 1; no <= 3; no++) {
                assertEquals((float) no, data.segment(model.tensor("t" + no)).get(ValueLayout.JAVA_FLOAT_UNALIGNED, 60));
            }
        }
    }

    @Test
    void missingPartIsNamed() throws IOException {
        writeParts();
        Files.delete(dir.resolve("m-00003-of-00003.gguf"));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufModel.open(dir.resolve("m-00001-of-00003.gguf")));
        assertTrue(e.getMessage().contains("m-00003-of-00003.gguf: missing part 3 of 3"), e.getMessage());
    }

    @Test
    void inconsistentPartsAreRejected() {
        writeParts();
        writePart(2, 5, 3, 3);
        GgufFormatException no = assertThrows(GgufFormatException.class, () -> GgufModel.open(dir.resolve("m-00001-of-00003.gguf")));
        assertTrue(no.getMessage().contains("split.no is 5 but the file name says part 2"), no.getMessage());

        writePart(2, 1, 4, 3);
        GgufFormatException count = assertThrows(GgufFormatException.class, () -> GgufModel.open(dir.resolve("m-00001-of-00003.gguf")));
        assertTrue(count.getMessage().contains("split.count is 4 but the file name says 3 parts"), count.getMessage());

        writePart(2, 1, 3, 3);
        writePart(1, 0, 3, 7);
        GgufFormatException tensors = assertThrows(GgufFormatException.class, () -> GgufModel.open(dir.resolve("m-00001-of-00003.gguf")));
        assertTrue(tensors.getMessage().contains("split.tensors.count is 7 but the 3 parts hold 3 tensors"), tensors.getMessage());
    }

    @Test
    void splitCountWithoutSplitNameIsAnError() {
        writeParts();
        Path renamed = dir.resolve("renamed.gguf");
        assertTrue(dir.resolve("m-00001-of-00003.gguf").toFile().renameTo(renamed.toFile()));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufModel.open(renamed));
        assertTrue(e.getMessage().contains("split.count is 3 but the file name does not follow"), e.getMessage());
    }
}
