package dev.jmoe.host.gguf;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a GGUF file: its name, type, shape in ggml order ({@code ne0} first, the row length),
 * and where its data lies. Offsets are 64-bit everywhere: expert tensors exceed 2 GiB.
 *
 * @param file           the file (the split part) holding the data
 * @param dataOffset     offset relative to the file's data section, as stored in the tensor info
 * @param fileOffset     absolute offset of the first data byte in {@code file}
 * @param bytes          size of the data
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, Path file, long dataOffset, long fileOffset, long bytes) {
    /** Small pages: the unit the kernel maps and pins. */
    public static final long PAGE_4K = 4096;
    /** Huge pages on x86-64. */
    public static final long PAGE_2M = 2L << 20;

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int dims() {
        return shape.length;
    }

    /** {@code ne[i]}, ggml order. */
    public long dim(int i) {
        return shape[i];
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /**
     * True for the routed-expert tensors ({@code *_exps}): the bytes that stay in host memory in
     * hybrid mode. The one place that tells expert tensors from the rest.
     */
    public boolean isExpert() {
        return name.contains("_exps");
    }

    /**
     * True when the data starts on a 4 KiB boundary of the file, so a mapping of the file (which starts
     * on a page) has it page-aligned and the GPU side can pin its pages in place.
     */
    public boolean isAligned4K() {
        return fileOffset % PAGE_4K == 0;
    }

    /** True when the data starts on a 2 MiB boundary of the file (huge-page aligned in a 2 MiB-aligned mapping). */
    public boolean isAligned2M() {
        return fileOffset % PAGE_2M == 0;
    }

    /** The shape as text, e.g. {@code 256,4096}. */
    public String shapeText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ",").append(shape[i]);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && java.util.Objects.equals(file, t.file) && dataOffset == t.dataOffset && fileOffset == t.fileOffset && bytes == t.bytes;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(fileOffset);
    }

    @Override
    public String toString() {
        return name + " " + type + " [" + shapeText() + "] @" + fileOffset + " (" + bytes + " bytes)";
    }
}
