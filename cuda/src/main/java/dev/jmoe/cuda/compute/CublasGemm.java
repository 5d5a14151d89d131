package dev.jmoe.cuda.compute;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The installed cuBLAS through FFM: {@code cublasSgemm_v2} of whichever of {@code libcublas.so.13} (CUDA 13) or
 * {@code libcublas.so.12} the loader finds. JCublas is not used: its native part links {@code libcublas.so.12}
 * only, which CUDA-13-only machines lack, while this binding reaches the same C API under either name. cuBLAS
 * works on the thread's current context, which is the primary context our kernels use, and on the default stream,
 * so its products order with our launches.
 *
 * <p>Column-major, the product is {@code C = op(A) · B} with A = the weights viewed as a cols × rows matrix
 * (transposed: op T), B = the activations as cols × tokens (op N), C = the output as rows × tokens with leading
 * dimension ldy: exactly {@code y[t][r] = Σ_k w[r][k] · x[t][k]}.
 */
final class CublasGemm implements Gemm {
    /** The names tried, newest first. */
    static final List<String> LIBRARIES = List.of("libcublas.so.13", "libcublas.so.12");
    private static final int OP_N = 0;
    private static final int OP_T = 1;

    private final String library;
    private final Arena arena = Arena.ofShared();
    private final MethodHandle sgemm;
    private final MethodHandle destroy;
    private final MemorySegment handle;
    private final MemorySegment one;
    private final MemorySegment zero;

    private CublasGemm(String library, SymbolLookup lookup) throws Throwable {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        MethodHandle create = linker.downcallHandle(symbol(lookup, "cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = linker.downcallHandle(symbol(lookup, "cublasDestroy_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        sgemm = linker.downcallHandle(symbol(lookup, "cublasSgemm_v2"), FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        MemorySegment out = arena.allocate(ADDRESS);
        check((int) create.invokeExact(out), "cublasCreate_v2");
        handle = out.get(ADDRESS, 0);
        one = arena.allocateFrom(JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(JAVA_FLOAT, 0f);
    }

    /**
     * cuBLAS on the calling thread's current context, or why not: no library under any of {@link #LIBRARIES},
     * or a handle that cannot be created there.
     */
    static Result load() {
        StringBuilder why = new StringBuilder();
        for (String name : LIBRARIES) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException notFound) {
                why.append(why.isEmpty() ? "" : ", ").append(name).append(" not found");
                continue;
            }
            try {
                return new Result(Optional.of(new CublasGemm(name, lookup)), "");
            } catch (Throwable t) {
                return new Result(Optional.empty(), name + ": " + t.getMessage());
            }
        }
        return new Result(Optional.empty(), why.toString());
    }

    /** cuBLAS, or the reason it is not used. */
    record Result(Optional<CublasGemm> gemm, String reason) {}

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException(call + " returned cuBLAS status " + status);
    }

    @Override
    public void multiply(long w, long x, long y, int rows, int cols, int tokens, int ldy) {
        try {
            check((int) sgemm.invokeExact(handle, OP_T, OP_N, rows, tokens, cols, one, w, cols, x, cols, zero, y, ldy), "cublasSgemm_v2");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasSgemm_v2", t);
        }
    }

    @Override
    public String name() {
        return "cuBLAS (" + library + ")";
    }

    @Override
    public void close() {
        try {
            check((int) destroy.invokeExact(handle), "cublasDestroy_v2");
        } catch (Throwable t) {
            // closing: nothing left to do about it
        } finally {
            arena.close();
        }
    }
}
