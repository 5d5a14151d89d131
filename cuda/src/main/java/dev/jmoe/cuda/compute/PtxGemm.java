package dev.jmoe.cuda.compute;

import dev.jmoe.kernels.Ptx;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/** The project's own tiled GEMM ({@code gemm_f32_nt}): always there, not tuned. */
final class PtxGemm implements Gemm {
    private static final int TILE = 64;

    private final CUmodule module;
    private final KernelLaunch gemm;

    PtxGemm(CudaContext context) {
        module = context.load(Ptx.image(Ptx.GEMM));
        gemm = new KernelLaunch(module, Ptx.GEMM_F32_NT, "PPPIIII");
    }

    @Override
    public void multiply(long w, long x, long y, int rows, int cols, int tokens, int ldy) {
        gemm.pointer(0, w).pointer(1, x).pointer(2, y).integer(3, rows).integer(4, cols).integer(5, tokens).integer(6, ldy)
                .launch(ceilDiv(rows, TILE), ceilDiv(tokens, TILE), 16, 16, null);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String name() {
        return "PTX gemm_f32_nt";
    }

    @Override
    public void close() {
        JCudaDriver.cuModuleUnload(module);
    }
}
