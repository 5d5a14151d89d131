package dev.jmoe.cuda;

import jcuda.CudaException;

/** Turns what went wrong while probing CUDA into the one-line reason a user reads. */
final class ProbeFailure {

    static final String NO_DRIVER = "no CUDA driver (libcuda.so.1 not found)";
    static final String NO_DEVICE = "no CUDA device";
    static final String NATIVE_LOAD = "JCuda native library failed to load: ";
    static final String DRIVER_ERROR = "CUDA driver error: ";
    private static final String RESOURCE_ATTEMPT = "attempt to load the library as a resource";

    private ProbeFailure() {}

    /**
     * Reason for a failure to load JCuda's native library. A missing libcuda.so.1 (no NVIDIA driver)
     * is told apart from other load failures by the loader's message, which names the library.
     */
    static String ofNativeLoad(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String message = c.getMessage();
            if (message != null && message.contains("libcuda.so") && message.contains("cannot open shared object")) {
                return NO_DRIVER;
            }
        }
        return NATIVE_LOAD + detail(rootCause(t));
    }

    /** Reason for a failed driver call; JCuda's message is the CUresult name, e.g. CUDA_ERROR_NO_DEVICE. */
    static String ofDriverError(CudaException e) {
        String result = String.valueOf(e.getMessage());
        if (result.contains("CUDA_ERROR_NO_DEVICE")) return NO_DEVICE + " (CUDA_ERROR_NO_DEVICE)";
        return DRIVER_ERROR + result;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root;
    }

    /**
     * One line on why the library did not load. JCuda's loader packs the stack traces of its two
     * attempts (java.library.path, then the copy extracted from the jar) into one message; the line
     * after RESOURCE_ATTEMPT is the dynamic linker's verdict on the jar's copy (e.g. an undefined
     * symbol), which says more than the message's first line.
     */
    private static String detail(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) return t.getClass().getName();
        var lines = message.strip().lines().toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).contains(RESOURCE_ATTEMPT)) return lines.get(i + 1).strip();
        }
        return t.getClass().getSimpleName() + ": " + lines.getFirst();
    }
}
