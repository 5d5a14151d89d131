package dev.jmoe.cuda.compute;

import dev.jmoe.host.gguf.GgmlType;
import dev.jmoe.host.kernel.ScalarDequant;
import dev.jmoe.kernels.Ptx;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weight product on one GPU, {@code out[t][r] = w row r · x[t]}, for weights kept on the device in their
 * GGUF encoding. Up to {@link Ptx#MATVEC_TOKENS} tokens (decode) read the quantized rows directly
 * ({@code matvec_f32}); larger batches dequantize a chunk of rows at a time to F32 into a bounded scratch buffer
 * ({@code dequant_f32}) and multiply it with the tokens ({@link Gemm}: cuBLAS, or our PTX GEMM), so the device holds the
 * quantized bytes once and the scratch, never an F32 copy of a whole matrix. Activations cross PCIe per call
 * (up and back): the first slice of the CUDA backend, correct before fast.
 *
 * <p>One call at a time ({@code synchronized}): the launches share their parameter blocks and buffers.
 */
public final class GpuMatmul implements ExpertProduct, AutoCloseable {
    /** Activation and result buffers start at this size and grow to the largest call. */
    private static final long BUFFER_MINIMUM = 1L << 20;
    /** Dequantized rows per chunk are bounded by this many bytes of F32. */
    static final long SCRATCH_BYTES = 64L << 20;
    private static final int DEQUANT_THREADS = 256;
    private static final int DEQUANT_MAX_BLOCKS = 4096;
    /** matvec_f32 runs one warp per row, eight warps a block. */
    private static final int MATVEC_ROWS_PER_BLOCK = 8;
    static final String GEMM_PROPERTY = "jmoe.cuda.gemm";
    private static final Logger log = LoggerFactory.getLogger(GpuMatmul.class);
    private static volatile boolean fallbackAnnounced;

    private final CudaContext context;
    private final CUmodule dequantModule;
    private final KernelLaunch dequant;
    private final CUmodule matvecModule;
    private final KernelLaunch matvec;
    private final KernelLaunch matvecPairs;
    private final Gemm gemm;
    private final DeviceMemory scratch;
    private final long scratchBytes;
    private DeviceMemory activations;
    private DeviceMemory results;
    private DeviceMemory pairTokens;
    private DeviceMemory pairExperts;

    /** With the GEMM {@link #chooseGemm} picks. */
    public GpuMatmul(CudaContext context) {
        this(context, SCRATCH_BYTES, chooseGemm(context));
    }

    /** With a scratch of {@code scratchBytes} (tests make it small to cover the chunking) and {@code gemm}, which this closes. */
    GpuMatmul(CudaContext context, long scratchBytes, Gemm gemm) {
        this.context = context;
        this.scratchBytes = scratchBytes;
        this.gemm = gemm;
        dequantModule = context.load(Ptx.image(Ptx.DEQUANT));
        dequant = new KernelLaunch(dequantModule, Ptx.DEQUANT_F32, "PIPP");
        matvecModule = context.load(Ptx.image(Ptx.MATVEC));
        matvec = new KernelLaunch(matvecModule, Ptx.MATVEC_F32, "PIIIPPIPI");
        matvecPairs = new KernelLaunch(matvecModule, Ptx.MATVEC_PAIRS_F32, "PIIIPPPPPP");
        scratch = context.allocate(scratchBytes);
    }

    /**
     * cuBLAS where it loads, else the PTX GEMM, saying so in one line per process; {@code -Djmoe.cuda.gemm=ptx}
     * forces the PTX GEMM (to compare the two).
     */
    static Gemm chooseGemm(CudaContext context) {
        context.current();
        if (!"ptx".equals(System.getProperty(GEMM_PROPERTY))) {
            CublasGemm.Result cublas = CublasGemm.load();
            if (cublas.gemm().isPresent()) return cublas.gemm().get();
            if (!fallbackAnnounced) {
                fallbackAnnounced = true;
                log.info("cuBLAS not used ({}): weight products run on the PTX GEMM", cublas.reason());
            }
        }
        return new PtxGemm(context);
    }

    /** The GEMM in use, for the load line. */
    public String gemmName() {
        return gemm.name();
    }

    /** Whether the kernels decode {@code type}: ggml_blocks.cuh follows the host reference type for type. */
    public static boolean supports(GgmlType type) {
        return ScalarDequant.supports(type);
    }

    /**
     * {@code out[t * rows + r] = Σ_k w[r][k] · x[t * cols + k]} for {@code t < tokens}, where the {@code rows × cols}
     * matrix of {@code type} starts at device address {@code weights}.
     */
    @Override
    public synchronized void multiply(long weights, GgmlType type, int cols, int rows, float[] x, int tokens, float[] out) {
        if (!supports(type)) throw new IllegalArgumentException("no GPU kernel for " + type);
        context.current();
        activations = context.atLeast(activations, 4L * tokens * cols, BUFFER_MINIMUM);
        results = context.atLeast(results, 4L * tokens * rows, BUFFER_MINIMUM);
        activations.upload(x, tokens * cols);

        long rowBytes = type.bytesFor(cols);
        if (tokens <= Ptx.MATVEC_TOKENS) {   // decode: read the quantized rows once, no F32 copy
            matvec.pointer(0, weights).integer(1, type.id).integer(2, rows).integer(3, cols).pointer(4, rowBytes)
                    .pointer(5, activations.address()).integer(6, tokens).pointer(7, results.address()).integer(8, rows)
                    .launch((rows + MATVEC_ROWS_PER_BLOCK - 1) / MATVEC_ROWS_PER_BLOCK, 1, 32 * MATVEC_ROWS_PER_BLOCK, 1, null);
            results.download(out, tokens * rows);
            return;
        }
        int chunkRows = (int) Math.max(1, Math.min(rows, scratchBytes / (4L * cols)));
        for (int r0 = 0; r0 < rows; r0 += chunkRows) {
            int n = Math.min(chunkRows, rows - r0);
            long elements = (long) n * cols;
            dequant.pointer(0, weights + r0 * rowBytes).integer(1, type.id).pointer(2, elements).pointer(3, scratch.address())
                    .launch((int) Math.min(DEQUANT_MAX_BLOCKS, (elements + DEQUANT_THREADS - 1) / DEQUANT_THREADS), 1, DEQUANT_THREADS, 1, null);
            gemm.multiply(scratch.address(), activations.address(), results.address() + 4L * r0, n, cols, tokens, rows);
        }
        results.download(out, tokens * rows);
    }


    /**
     * A stack's products for few tokens ({@link Ptx#MATVEC_TOKENS} or fewer in {@code x}, as in decode) in one
     * {@code matvec_pairs_f32} launch: one upload of the tokens and the pairs, one download, where a launch per
     * routed expert would cross PCIe twice for each. Larger batches take one product per expert over its tokens,
     * which reads each expert's rows once rather than once per pair.
     */
    @Override
    public synchronized void pairs(long stack, long expertBytes, GgmlType type, int cols, int rows, int experts, float[] x,
                                   int tokens, int[] pairToken, int[] pairExpert, float[] out) {
        int pairs = pairExpert.length;
        if (tokens > Ptx.MATVEC_TOKENS || pairs == 0) {
            ExpertProduct.super.pairs(stack, expertBytes, type, cols, rows, experts, x, tokens, pairToken, pairExpert, out);
            return;
        }
        if (!supports(type)) throw new IllegalArgumentException("no GPU kernel for " + type);
        for (int i = 0; i < pairs; i++) {   // the kernel would read outside the stack or the tokens
            if (pairExpert[i] < 0 || pairExpert[i] >= experts || pairToken[i] < 0 || pairToken[i] >= tokens) {
                throw new IllegalArgumentException("pair " + i + " (token " + pairToken[i] + ", expert " + pairExpert[i]
                        + ") outside " + tokens + " tokens and " + experts + " experts");
            }
        }
        context.current();
        activations = context.atLeast(activations, 4L * tokens * cols, BUFFER_MINIMUM);
        results = context.atLeast(results, 4L * pairs * rows, BUFFER_MINIMUM);
        pairTokens = context.atLeast(pairTokens, 4L * pairs, BUFFER_MINIMUM);
        pairExperts = context.atLeast(pairExperts, 4L * pairs, BUFFER_MINIMUM);
        activations.upload(x, tokens * cols);
        pairTokens.upload(pairToken, pairs);
        pairExperts.upload(pairExpert, pairs);
        matvecPairs.pointer(0, stack).integer(1, type.id).integer(2, rows).integer(3, cols).pointer(4, type.bytesFor(cols))
                .pointer(5, expertBytes).pointer(6, activations.address()).pointer(7, pairTokens.address())
                .pointer(8, pairExperts.address()).pointer(9, results.address())
                .launch((rows + MATVEC_ROWS_PER_BLOCK - 1) / MATVEC_ROWS_PER_BLOCK, pairs, 32 * MATVEC_ROWS_PER_BLOCK, 1, null);
        results.download(out, pairs * rows);
    }

    @Override
    public synchronized void close() {
        context.current();
        if (activations != null) activations.close();
        if (results != null) results.close();
        if (pairTokens != null) pairTokens.close();
        if (pairExperts != null) pairExperts.close();
        scratch.close();
        JCudaDriver.cuModuleUnload(dequantModule);
        JCudaDriver.cuModuleUnload(matvecModule);
        gemm.close();
    }
}
