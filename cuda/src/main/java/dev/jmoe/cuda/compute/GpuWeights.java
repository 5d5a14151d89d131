package dev.jmoe.cuda.compute;

import dev.jmoe.host.engine.DeviceTensor;
import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.model.TensorKind;
import dev.jmoe.host.ui.ProgressBar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The weight matrices and expert stacks a plan put on the GPUs, copied to their devices in their GGUF encoding and
 * found again by the host address their bytes start at (which is how a {@link dev.jmoe.host.kernel.WeightMatrix}
 * or {@link dev.jmoe.host.kernel.ExpertWeights} names them; expert e of a stack starts e expert sizes further). Before copying, the bytes for each device are checked against its free memory, so a plan that does
 * not fit fails with the figures instead of with an out-of-memory error halfway through.
 */
public final class GpuWeights implements AutoCloseable {
    /** A matrix (or expert stack) on a device: which device's products read it, its device address, its encoding. */
    public record Matrix(int device, long address, GgmlType type) {}

    private final Map<Long, Matrix> byHostAddress = new HashMap<>();
    private final List<DeviceMemory> owned = new ArrayList<>();
    private long bytes;

    /** The matrices among {@code tensors} on the devices of {@code contexts} (by ordinal), copied now. */
    public static GpuWeights upload(List<DeviceTensor> tensors, Map<Integer, CudaContext> contexts) {
        GpuWeights w = new GpuWeights();
        checkFits(tensors, contexts);
        long total = tensors.stream().filter(GpuWeights::onDevice).mapToLong(t -> t.data().byteSize()).sum();
        // A terminal sees the copy go: with experts on the GPU it is tens of GB, read from the mapped file.
        try (ProgressBar bar = ProgressBar.forTerminal("copying weights to the GPU", total)) {
            for (DeviceTensor t : tensors) {
                if (!onDevice(t)) continue;
                CudaContext c = contexts.get(t.device().index());
                DeviceMemory m = c.allocate(t.data().byteSize());
                w.owned.add(m);
                m.upload(t.data(), 0);
                w.byHostAddress.put(t.data().address(), new Matrix(c.ordinal(), m.address(), t.type()));
                w.bytes += m.bytes();
                bar.update(w.bytes);
            }
            return w;
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /**
     * A tensor placed on a GPU whose products run there: a matrix or an {@code _exps} stack of a type the kernels
     * read. Other stacks (DeepSeek's per-head {@code attn_k_b}/{@code attn_v_b}) stay on the host: one product per
     * head would be 128 launches and transfers per layer and token where the CPU needs microseconds.
     */
    static boolean onDevice(DeviceTensor t) {
        boolean stack = t.shape().length == 3 && TensorKind.of(t.name()) == TensorKind.EXPERTS;
        return !t.device().isCpu() && (t.isMatrix() || stack) && GpuMatmul.supports(t.type());
    }

    private static void checkFits(List<DeviceTensor> tensors, Map<Integer, CudaContext> contexts) {
        Map<Integer, Long> need = new HashMap<>();
        for (DeviceTensor t : tensors) {
            if (onDevice(t)) need.merge(t.device().index(), t.data().byteSize(), Long::sum);
        }
        for (var e : need.entrySet()) {
            long free = contexts.get(e.getKey()).freeBytes() - GpuMatmul.SCRATCH_BYTES;
            if (e.getValue() > free) {
                throw new IllegalStateException("the plan puts %.2f GiB of weights on CUDA%d, which has %.2f GiB free (less -ngl fits)"
                        .formatted(e.getValue() / 1073741824.0, e.getKey(), Math.max(0, free) / 1073741824.0));
            }
        }
    }

    /** The device copy of the matrix whose host bytes start at {@code hostAddress}, or null when it stayed on the host. */
    public Matrix find(long hostAddress) {
        return byHostAddress.get(hostAddress);
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        for (DeviceMemory m : owned) m.close();
        owned.clear();
        byHostAddress.clear();
    }
}
