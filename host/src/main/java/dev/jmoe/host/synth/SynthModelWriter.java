package dev.jmoe.host.synth;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.gguf.GgufValue;
import dev.jmoe.host.gguf.GgufWriter;
import dev.jmoe.host.kernel.quant.WeightQuantizer;
import dev.jmoe.host.model.Architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    private final ScratchSpace scratch;

    private SynthModelWriter(SynthSpec spec, ScratchSpace scratch) {
        this.spec = spec;
        this.scratch = scratch;
    }

    /**
     * Writes the model to {@code file}. The tensors are built in a scratch file mapped beside it (deleted
     * afterwards), not in the heap, so a model larger than RAM can be written given twice its size on disk.
     */
    public static Report write(SynthSpec spec, Path file) {
        long start = System.nanoTime();
        Path scratch = file.resolveSibling(file.getFileName() + ".synth-tmp");
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                     StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            SynthModelWriter w = new SynthModelWriter(spec, new ScratchSpace(channel, arena));
            w.metadata();
            w.tensors();
            w.writer.write(file);
            return new Report(file, Files.size(file), w.expertBytes, w.params, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Tensor buffers as successive page-aligned mappings of one scratch file. */
    private static final class ScratchSpace {
        private static final long PAGE = 4096;
        private final FileChannel channel;
        private final Arena arena;
        private long used;

        ScratchSpace(FileChannel channel, Arena arena) {
            this.channel = channel;
            this.arena = arena;
        }

        MemorySegment allocate(long bytes) throws IOException {
            MemorySegment s = channel.map(FileChannel.MapMode.READ_WRITE, used, bytes, arena);
            used += (bytes + PAGE - 1) / PAGE * PAGE;
            return s;
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
        writer.put(p + "expert_feed_forward_length", new GgufValue.UInt32(spec.expertFf()));
        writer.put(p + "attention.head_count", new GgufValue.UInt32(spec.heads()));
        writer.put(p + "attention.layer_norm_rms_epsilon", new GgufValue.Float32(1e-6f));
        writer.put(p + "expert_count", new GgufValue.UInt32(spec.experts()));
        writer.put(p + "expert_used_count", new GgufValue.UInt32(spec.expertsUsed()));
        if (spec.latent() == null) {
            writer.put(p + "feed_forward_length", new GgufValue.UInt32(spec.expertFf()));
            writer.put(p + "attention.head_count_kv", new GgufValue.UInt32(spec.kvHeads()));
            writer.put(p + "attention.key_length", new GgufValue.UInt32(spec.headDim()));
            writer.put(p + "attention.value_length", new GgufValue.UInt32(spec.headDim()));
            writer.put(p + "rope.freq_base", new GgufValue.Float32(1_000_000f));
        }
        if (spec.latent() != null) latentMetadata(p, spec.latent());
        String pre = switch (spec.arch()) {
            case QWEN3MOE -> "qwen2";
            case DEEPSEEK2 -> "deepseek-v3";
            default -> "default";
        };
        SynthVocabulary.write(writer, spec.vocab(), pre);
    }

    /** deepseek2's keys, as its published files carry them (the one-tensor attn_kv_b layout). */
    private void latentMetadata(String p, SynthLatent d) {
        writer.put(p + "feed_forward_length", new GgufValue.UInt32(d.denseFf()));
        writer.put(p + "attention.key_length", new GgufValue.UInt32(d.nopeDim() + d.ropeDim()));
        writer.put(p + "attention.value_length", new GgufValue.UInt32(d.valueDim()));
        writer.put(p + "attention.head_count_kv", new GgufValue.UInt32(spec.heads()));
        writer.put(p + "rope.dimension_count", new GgufValue.UInt32(d.ropeDim()));
        writer.put(p + "rope.freq_base", new GgufValue.Float32(10000f));
        if (d.qLoraRank() > 0) writer.put(p + "attention.q_lora_rank", new GgufValue.UInt32(d.qLoraRank()));
        writer.put(p + "attention.kv_lora_rank", new GgufValue.UInt32(d.kvLoraRank()));
        writer.put(p + "leading_dense_block_count", new GgufValue.UInt32(d.leadingDense()));
        writer.put(p + "expert_shared_count", new GgufValue.UInt32(d.shared()));
        writer.put(p + "expert_weights_scale", new GgufValue.Float32(d.scale()));
        writer.put(p + "expert_weights_norm", new GgufValue.Bool(d.normalize()));
        writer.put(p + "expert_gating_func", new GgufValue.UInt32(d.sigmoid() ? 2 : 1));
        if (d.groups() > 1) {
            writer.put(p + "expert_group_count", new GgufValue.UInt32(d.groups()));
            writer.put(p + "expert_group_used_count", new GgufValue.UInt32(d.groupsUsed()));
        }
        if (d.yarnFactor() > 0) {
            writer.put(p + "rope.scaling.type", new GgufValue.Str("yarn"));
            writer.put(p + "rope.scaling.factor", new GgufValue.Float32(d.yarnFactor()));
            writer.put(p + "rope.scaling.original_context_length", new GgufValue.UInt32(d.yarnOriginalContext()));
            writer.put(p + "rope.scaling.yarn_log_multiplier", new GgufValue.Float32(d.yarnLogMultiplier()));
        }
    }

    private void tensors() throws IOException {
        int e = spec.embd(), n = spec.layers();
        matrix("token_embd.weight", "token_embd", -1, e, spec.vocab(), 1);
        for (int i = 0; i < n; i++) {
            String b = "blk." + i + ".";
            ones(b + "attn_norm.weight", e);
            if (spec.latent() != null) latentAttention(b, i, spec.latent());
            else groupedQueryAttention(b, i);
            ones(b + "ffn_norm.weight", e);
            if (spec.latent() != null && i < spec.latent().leadingDense()) {
                denseFfn(b, "", i, spec.latent().denseFf());
                continue;
            }
            float32Matrix(b + "ffn_gate_inp.weight", e, spec.experts());
            if (spec.latent() != null && spec.latent().sigmoid()) add(b + "exp_probs_b.bias", GgmlType.F32, new long[] {spec.experts()}, 1);
            expertBytes += matrix(b + "ffn_gate_exps.weight", "ffn_gate_exps", i, e, spec.expertFf(), spec.experts());
            expertBytes += matrix(b + "ffn_up_exps.weight", "ffn_up_exps", i, e, spec.expertFf(), spec.experts());
            expertBytes += matrix(b + "ffn_down_exps.weight", "ffn_down_exps", i, spec.expertFf(), e, spec.experts());
            if (spec.latent() != null && spec.latent().shared() > 0) denseFfn(b, "_shexp", i, spec.expertFf() * spec.latent().shared());
        }
        ones("output_norm.weight", e);
        matrix("output.weight", "output", -1, e, spec.vocab(), 1);
    }

    private void groupedQueryAttention(String b, int i) throws IOException {
        int e = spec.embd(), hd = spec.headDim();
        matrix(b + "attn_q.weight", "attn_q", i, e, spec.heads() * hd, 1);
        matrix(b + "attn_k.weight", "attn_k", i, e, spec.kvHeads() * hd, 1);
        matrix(b + "attn_v.weight", "attn_v", i, e, spec.kvHeads() * hd, 1);
        matrix(b + "attn_output.weight", "attn_output", i, spec.heads() * hd, e, 1);
        if (spec.arch().qkNorm) {
            ones(b + "attn_q_norm.weight", hd);
            ones(b + "attn_k_norm.weight", hd);
        }
    }

    private void latentAttention(String b, int i, SynthLatent d) throws IOException {
        int e = spec.embd(), heads = spec.heads(), key = d.nopeDim() + d.ropeDim();
        if (d.qLoraRank() > 0) {
            matrix(b + "attn_q_a.weight", "attn_q_a", i, e, d.qLoraRank(), 1);
            ones(b + "attn_q_a_norm.weight", d.qLoraRank());
            matrix(b + "attn_q_b.weight", "attn_q_b", i, d.qLoraRank(), heads * key, 1);
        } else {
            matrix(b + "attn_q.weight", "attn_q", i, e, heads * key, 1);
        }
        matrix(b + "attn_kv_a_mqa.weight", "attn_kv_a_mqa", i, e, d.kvLoraRank() + d.ropeDim(), 1);
        ones(b + "attn_kv_a_norm.weight", d.kvLoraRank());
        matrix(b + "attn_kv_b.weight", "attn_kv_b", i, d.kvLoraRank(), heads * (d.nopeDim() + d.valueDim()), 1);
        matrix(b + "attn_output.weight", "attn_output", i, heads * d.valueDim(), e, 1);
    }

    private void denseFfn(String b, String suffix, int i, int ff) throws IOException {
        matrix(b + "ffn_gate" + suffix + ".weight", "ffn_gate" + suffix, i, spec.embd(), ff, 1);
        matrix(b + "ffn_up" + suffix + ".weight", "ffn_up" + suffix, i, spec.embd(), ff, 1);
        matrix(b + "ffn_down" + suffix + ".weight", "ffn_down" + suffix, i, ff, spec.embd(), 1);
    }

    /** A [cols, rows, count] weight (count 1: a plain matrix) of the type the spec's mix gives {@code role}; returns its bytes. */
    private long matrix(String name, String role, int layer, int cols, int rows, int count) throws IOException {
        GgmlType type = spec.type().weightType(role, layer, spec.layers(), cols);
        return add(name, type, count == 1 ? new long[] {cols, rows} : new long[] {cols, rows, count}, (long) rows * count);
    }

    /** The router stays F32 in every type, as in the reference's quantized files. */
    private void float32Matrix(String name, int cols, int rows) throws IOException {
        add(name, GgmlType.F32, new long[] {cols, rows}, rows);
    }

    private long add(String name, GgmlType type, long[] shape, long rows) throws IOException {
        int cols = (int) shape[0];
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = scratch.allocate(rowBytes * rows);
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

    private void ones(String name, int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        writer.addTensor(name, new long[] {n}, v);
        params += n;
    }
}
