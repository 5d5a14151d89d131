package dev.jmoe.host.gguf;

import dev.jmoe.host.TestData;
import dev.jmoe.host.mem.HugePageMode;
import dev.jmoe.host.mem.LoadMode;
import dev.jmoe.host.mem.LoadOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensor data placed by each memory mode holds the file's bytes at the tensor infos' offsets. */
class TensorDataSourceTest {

    @Test
    void everyModeHandsOutTheFilesBytes() throws IOException {
        GgufModel model = GgufModel.open(TestData.model("qwen3moe-a-q4_k_m"));
        LoadOptions[] modes = {
            LoadOptions.defaults(),
            LoadOptions.defaults().withMmap(false),
            LoadOptions.defaults().withHugePages(HugePageMode.THP),
            LoadOptions.defaults().withHugePages(HugePageMode.MB2),
        };
        try (FileChannel ch = FileChannel.open(model.path(), StandardOpenOption.READ)) {
            for (LoadOptions options : modes) {
                try (TensorDataSource data = TensorDataSource.open(model, options)) {
                    assertEquals(1, data.reports().size());
                    for (GgufTensorInfo t : model.tensors()) {
                        byte[] expected = new byte[(int) t.bytes()];
                        ch.read(ByteBuffer.wrap(expected), t.fileOffset());
                        byte[] actual = data.segment(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                        assertArrayEquals(expected, actual, t.name() + " under " + options);
                    }
                }
            }
        }
    }

    @Test
    void mmapKeepsTheFilesPageAlignmentAndCopiesReportTheirMode() {
        GgufModel model = GgufModel.open(TestData.model("qwen3moe-a-q8_0"));
        try (TensorDataSource mapped = TensorDataSource.open(model);
             TensorDataSource copied = TensorDataSource.open(model, LoadOptions.defaults().withMmap(false))) {
            for (GgufTensorInfo t : model.tensors()) {
                assertEquals(t.isAligned4K(), mapped.isAligned(t, 4096), t.name());
            }
            assertEquals(LoadMode.MMAP, mapped.reports().get(0).mode());
            assertNotEquals(LoadMode.MMAP, copied.reports().get(0).mode());
            assertTrue(copied.reports().get(0).summary().contains("qwen3moe-a-q8_0.gguf"));
        }
    }

    @Test
    void vocabularyOnlyFilesHaveNothingToPlace() {
        GgufModel vocab = GgufModel.open(TestData.vocab("ggml-vocab-gpt-2.gguf"));
        try (TensorDataSource data = TensorDataSource.open(vocab)) {
            assertTrue(data.reports().isEmpty());
        }
    }
}
