package dev.jmoe.host.synth;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import dev.jmoe.host.kernel.quant.WeightQuantizer;
import dev.jmoe.host.model.Architecture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes a synthetic MoE model of real shapes: seeded random weights of unit-preserving scale (uniform with
 * standard deviation 1/sqrt(row length), so activations neither vanish nor explode through the layers),
 * norms of ones, quantized by {@link SynthType}, a {@link SynthVocabulary} and the metadata the engine
 * reads. The same spec and seed give the same file byte for byte.
 */
public final class SynthModelWriter {
    /** What was written: file size, the bytes of the routed experts, and the time it took. */
    public record Report(Path file, long fileBytes, long expertBytes, long params, double seconds) {}

    private final SynthSpec spec;
    private final GgufWriter writer = new GgufWriter();
    private long expertBytes;
    private long params;
    private int tensorIndex;

    private SynthModelWriter(SynthSpec spec) {
        this.spec = spec;
    }

    public static Report write(SynthSpec spec, Path file) {
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            SynthModelWriter w = new SynthModelWriter(spec);
            w.metadata();
            w.tensors(arena);
            w.writer.write(file);
            long size = file.toFile().length();
            return new Report(file, size, w.expertBytes, w.params, (System.nanoTime() - start) / 1e9);
        }
    }

    private void metadata() {
        String arch = spec.arch().ggufName;
        String p = arch + ".";
        writer.put("general.architecture", new GgufValue.Str(arch));
        writer.put("general.name", new GgufValue.Str("synth " + arch + " " + spec.experts() + "x" + spec.expertFf()));
        writer.put("general.file_type", new GgufValue.UInt32(spec.type().fileType));
        writer.put(p + "block_count", new GgufValue.UInt32(spec.layers()));
        writer.put(p + "context_length", new GgufValue.UInt32(spec.contextLength()));
        writer.put(p + "embedding_length", new GgufValue.UInt32(spec.embd()));
        writer.put(p + "feed_forward_length", new GgufValue.UInt32(spec.expertFf()));
        writer.put(p + "expert_feed_forward_length", new GgufValue.UInt32(spec.expertFf()));
        writer.put(p + "attention.head_count", new GgufValue.UInt32(spec.heads()));
        writer.put(p + "attention.head_count_kv", new GgufValue.UInt32(spec.kvHeads()));
        writer.put(p + "attention.key_length", new GgufValue.UInt32(spec.headDim()));
        writer.put(p + "attention.value_length", new GgufValue.UInt32(spec.headDim()));
        writer.put(p + "attention.layer_norm_rms_epsilon", new GgufValue.Float32(1e-6f));
        writer.put(p + "rope.freq_base", new GgufValue.Float32(1_000_000f));
        writer.put(p + "expert_count", new GgufValue.UInt32(spec.experts()));
        writer.put(p + "expert_used_count", new GgufValue.UInt32(spec.expertsUsed()));
        SynthVocabulary.write(writer, spec.vocab(), spec.arch() == Architecture.QWEN3MOE ? "qwen2" : "default");
    }

    private void tensors(Arena arena) {
        int e = spec.embd(), hd = spec.headDim(), n = spec.layers();
        matrix(arena, "token_embd.weight", "token_embd", -1, e, spec.vocab(), 1);
        for (int i = 0; i < n; i++) {
            String b = "blk." + i + ".";
            ones(arena, b + "attn_norm.weight", e);
            matrix(arena, b + "attn_q.weight", "attn_q", i, e, spec.heads() * hd, 1);
            matrix(arena, b + "attn_k.weight", "attn_k", i, e, spec.kvHeads() * hd, 1);
            matrix(arena, b + "attn_v.weight", "attn_v", i, e, spec.kvHeads() * hd, 1);
            matrix(arena, b + "attn_output.weight", "attn_output", i, spec.heads() * hd, e, 1);
            if (spec.arch().qkNorm) {
                ones(arena, b + "attn_q_norm.weight", hd);
                ones(arena, b + "attn_k_norm.weight", hd);
            }
            ones(arena, b + "ffn_norm.weight", e);
            float32Matrix(arena, b + "ffn_gate_inp.weight", e, spec.experts());
            expertBytes += matrix(arena, b + "ffn_gate_exps.weight", "ffn_gate_exps", i, e, spec.expertFf(), spec.experts());
            expertBytes += matrix(arena, b + "ffn_up_exps.weight", "ffn_up_exps", i, e, spec.expertFf(), spec.experts());
            expertBytes += matrix(arena, b + "ffn_down_exps.weight", "ffn_down_exps", i, spec.expertFf(), e, spec.experts());
        }
        ones(arena, "output_norm.weight", e);
        matrix(arena, "output.weight", "output", -1, e, spec.vocab(), 1);
    }

    /** A [cols, rows, count] weight (count 1: a plain matrix) of the type the spec's mix gives {@code role}; returns its bytes. */
    private long matrix(Arena arena, String name, String role, int layer, int cols, int rows, int count) {
        GgmlType type = spec.type().weightType(role, layer, spec.layers(), cols);
        return add(arena, name, type, count == 1 ? new long[] {cols, rows} : new long[] {cols, rows, count}, (long) rows * count);
    }

    /** The router stays F32 in every type, as in the reference's quantized files. */
    private void float32Matrix(Arena arena, String name, int cols, int rows) {
        add(arena, name, GgmlType.F32, new long[] {cols, rows}, rows);
    }

    private long add(Arena arena, String name, GgmlType type, long[] shape, long rows) {
        int cols = (int) shape[0];
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        SplittableRandom random = new SplittableRandom(spec.seed() * 1_000_003L + tensorIndex++);
        float bound = (float) Math.sqrt(3.0 / cols);
        float[] row = new float[cols];
        for (long r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) ((random.nextDouble() * 2 - 1) * bound);
            WeightQuantizer.quantize(type, row, 0, cols, data, r * rowBytes);
        }
        writer.addTensor(name, type, shape, data);
        params += cols * rows;
        return data.byteSize();
    }

    private void ones(Arena arena, String name, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        writer.addTensor(name, new long[] {n}, v);
        params += n;
    }
}
