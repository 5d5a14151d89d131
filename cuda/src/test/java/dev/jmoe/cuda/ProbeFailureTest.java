package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcuda.CudaException;
import org.junit.jupiter.api.Test;

/**
 * The reasons for failures this machine cannot produce for real (its only failure is a missing
 * driver). The messages are shaped like those of JCuda 12.6's loader and driver binding.
 */
class ProbeFailureTest {

    private static UnsatisfiedLinkError loaderError(String resourceAttemptError) {
        return new UnsatisfiedLinkError("""
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Operating system name: Linux
                ---(start of nested stack traces)---
                Stack trace from the attempt to load the library as a file:
                java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
                \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2285)
                Stack trace from the attempt to load the library as a resource:
                %s
                \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
                ---(end of nested stack traces)---
                """.formatted(resourceAttemptError));
    }

    @Test
    void missingDriverLibraryMeansNoDriver() {
        var e = loaderError("java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
                + "libcuda.so.1: cannot open shared object file: No such file or directory");
        assertEquals("no CUDA driver (libcuda.so.1 not found)", ProbeFailure.ofNativeLoad(e));
    }

    @Test
    void otherLoadFailuresGiveTheLinkersVerdict() {
        String verdict = "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
                + "undefined symbol: cuCtxCreate_v4";
        assertEquals("JCuda native library failed to load: " + verdict, ProbeFailure.ofNativeLoad(loaderError(verdict)));
    }

    @Test
    void loadFailuresOfUnknownShapeGiveTheFirstLine() {
        assertEquals("JCuda native library failed to load: NoClassDefFoundError: Could not initialize class jcuda.driver.JCudaDriver",
                ProbeFailure.ofNativeLoad(new NoClassDefFoundError("Could not initialize class jcuda.driver.JCudaDriver")));
        assertEquals("JCuda native library failed to load: java.lang.UnsatisfiedLinkError",
                ProbeFailure.ofNativeLoad(new UnsatisfiedLinkError()));
    }

    @Test
    void driverErrorsNameTheResult() {
        assertEquals("no CUDA device (CUDA_ERROR_NO_DEVICE)", ProbeFailure.ofDriverError(new CudaException("CUDA_ERROR_NO_DEVICE")));
        assertEquals("CUDA driver error: CUDA_ERROR_INSUFFICIENT_DRIVER",
                ProbeFailure.ofDriverError(new CudaException("CUDA_ERROR_INSUFFICIENT_DRIVER")));
    }
}
