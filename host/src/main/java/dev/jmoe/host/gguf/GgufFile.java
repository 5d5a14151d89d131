package dev.jmoe.host.gguf;

import java.nio.file.Path;
import java.util.List;

/**
 * One parsed GGUF file: its header, metadata and tensor infos. The tensor data stays in the file.
 *
 * @param headerBytes bytes of magic, counts, metadata and tensor infos (before the alignment padding)
 * @param dataStart   absolute offset of the data section (header end rounded up to the alignment)
 */
public record GgufFile(Path path, int version, GgufMetadata metadata, List<GgufTensorInfo> tensors,
                       int alignment, long headerBytes, long dataStart, long fileSize) {
    public GgufFile {
        tensors = List.copyOf(tensors);
    }

    /** Reads the header of {@code path} (see {@link GgufReader}). */
    public static GgufFile read(Path path) {
        return GgufReader.read(path);
    }
}
