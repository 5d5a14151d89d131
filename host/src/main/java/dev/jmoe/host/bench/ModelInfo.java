package dev.jmoe.host.bench;

import dev.jmoe.host.gguf.GgufModel;
import dev.jmoe.host.gguf.GgufTensorInfo;

import java.util.Locale;

/**
 * The model columns of a result, named as llama-bench names them: "qwen3moe 1.2B Q4_K - Medium" from
 * {@code general.architecture}, the parameter count and {@code general.file_type}; size = bytes of all
 * tensor data; params = elements of all tensors.
 */
public record ModelInfo(String file, String type, long sizeBytes, long params) {

    public static ModelInfo of(GgufModel model) {
        long bytes = 0, params = 0;
        for (GgufTensorInfo t : model.tensors()) {
            bytes += t.bytes();
            params += t.elementCount();
        }
        var md = model.metadata();
        String arch = md.findString("general.architecture").orElse("unknown");
        String fileType = md.contains("general.file_type") ? FileTypeNames.of((int) md.getLong("general.file_type")) : "?";
        return new ModelInfo(model.path().getFileName().toString(), arch + " " + paramsLabel(params) + " " + fileType, bytes, params);
    }

    /** "30B", "1.2B", "450M": llama.cpp's size label style. */
    static String paramsLabel(long params) {
        if (params >= 1_000_000_000L) {
            double b = params / 1e9;
            return b >= 10 ? String.format(Locale.ROOT, "%.0fB", b) : String.format(Locale.ROOT, "%.1fB", b);
        }
        return String.format(Locale.ROOT, "%.0fM", params / 1e6);
    }
}
