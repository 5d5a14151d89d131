package dev.jmoe.cuda.compute;

/**
 * {@code y[t * ldy + r] = Σ_k w[r * cols + k] · x[t * cols + k]} on device F32 buffers (addresses), queued on the
 * context's default stream: the one GEMM shape the weight product needs. {@link CublasGemm} where the installed
 * cuBLAS loads, else {@link PtxGemm}.
 */
interface Gemm extends AutoCloseable {
    void multiply(long w, long x, long y, int rows, int cols, int tokens, int ldy);

    /** What runs the products, for the load line. */
    String name();

    @Override
    void close();
}
