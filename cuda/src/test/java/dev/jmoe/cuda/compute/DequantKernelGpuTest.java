package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.fail;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.kernels.Ptx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * dequant_f32 against the host's scalar reference ({@link ScalarDequant}, which follows the GGML block layouts
 * literally) on random blocks of every type: bit for bit, since the kernel spells out the reference's roundings.
 * An odd block count and a start in the middle of the data cover the grid-stride loop and offsets.
 */
@Tag("gpu")
class DequantKernelGpuTest {
    private static final int BLOCKS = 37;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void everyElementEqualsTheScalarReference(GgmlType type) {
        CudaContext context = GpuFixture.context();
        int blockElements = type.blockSize == 1 ? 32 : type.blockSize;
        int elements = BLOCKS * blockElements;
        int skip = 5 * blockElements;   // start at block 5: a matrix chunk starts mid-tensor
        try (Arena arena = Arena.ofConfined();
             DeviceMemory src = context.allocate(type.bytesFor(elements));
             DeviceMemory dst = context.allocate(4L * elements)) {
            MemorySegment data = RandomBlocks.of(type, elements, type.id * 1009L, arena);
            src.upload(data, 0);
            CUmodule module = context.load(Ptx.image(Ptx.DEQUANT));
            try {
                new KernelLaunch(module, Ptx.DEQUANT_F32, "PIPP")
                        .pointer(0, src.address() + type.bytesFor(skip)).integer(1, type.id)
                        .pointer(2, elements - skip).pointer(3, dst.address())
                        .launch(3, 1, 128, 1, null);   // fewer threads than elements: the loop strides
                float[] got = new float[elements];
                dst.download(got, elements - skip);
                float[] want = ScalarDequant.row(type, data, type.bytesFor(skip), elements - skip);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) {
                        fail(type + " element " + (skip + i) + ": GPU " + got[i] + ", reference " + want[i]);
                    }
                }
            } finally {
                JCudaDriver.cuModuleUnload(module);
            }
        }
    }
}
