package dev.jmoe.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PTX modules built from {@code src/main/cuda} by {@code scripts/ptx.sh}, shipped as the
 * classpath resources {@code ptx/NAME.ptx}.
 */
public final class Ptx {

    /** RMSNorm over F32 rows; entry {@value #RMSNORM_F32}. */
    public static final String RMSNORM = "rmsnorm";
    public static final String RMSNORM_F32 = "rmsnorm_f32";

    /** GGML tensor data (every type the host kernels know, by GGML type id) to F32; entry {@value #DEQUANT_F32}. */
    public static final String DEQUANT = "dequant";
    public static final String DEQUANT_F32 = "dequant_f32";

    /** The weight product for up to 8 tokens straight from the GGML encoding (decode); entry {@value #MATVEC_F32}. */
    public static final String MATVEC = "matvec";
    public static final String MATVEC_F32 = "matvec_f32";
    /** The most tokens one {@value #MATVEC_F32} launch takes. */
    public static final int MATVEC_TOKENS = 8;
    /** In the same module: every (token, expert) pair's product of an expert stack in one launch. */
    public static final String MATVEC_PAIRS_F32 = "matvec_pairs_f32";

    /** Causal attention over a layer's cached rows, one warp per (token, head), online softmax; entry {@value #ATTENTION_F32}. */
    public static final String ATTENTION = "attention";
    public static final String ATTENTION_F32 = "attention_f32";
    /** The longest key or value head {@value #ATTENTION_F32} takes. */
    public static final int ATTENTION_MAX_HEAD = 1024;

    /** Y = X · Wᵀ in F32 (the weight product), tiled; entry {@value #GEMM_F32_NT}. */
    public static final String GEMM = "gemm";
    public static final String GEMM_F32_NT = "gemm_f32_nt";

    private Ptx() {}

    /** The classpath resource that holds module {@code name}. */
    public static String resource(String name) {
        return "ptx/" + name + ".ptx";
    }

    /** The PTX text of module {@code name}. */
    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.US_ASCII);
    }

    /**
     * The PTX of module {@code name} followed by one NUL byte: the form {@code cuModuleLoadData}
     * expects, since it reads the image as a C string.
     */
    public static byte[] image(String name) {
        byte[] ptx = bytes(name);
        return Arrays.copyOf(ptx, ptx.length + 1);
    }

    private static byte[] bytes(String name) {
        String resource = resource(name);
        try (InputStream in = Ptx.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no PTX module '" + name + "': resource " + resource
                        + " is not on the class path (is jmoe-kernels-ptx there, and was scripts/ptx.sh run?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + resource, e);
        }
    }
}
