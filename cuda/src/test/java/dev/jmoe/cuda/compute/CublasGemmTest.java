package dev.jmoe.cuda.compute;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Loading cuBLAS degrades to a reason, never an exception: here (no GPU, usually no cuBLAS) the reason names each
 * library tried, or the call that failed where a library exists without a device behind it.
 */
class CublasGemmTest {

    @Test
    void withoutAUsableCublasTheReasonSaysWhichLibrariesWereTried() {
        CublasGemm.Result result = CublasGemm.load();
        if (result.gemm().isPresent()) {
            result.gemm().get().close();   // a machine with cuBLAS and a device: the GPU tests cover it
            return;
        }
        String reason = result.reason();
        assertFalse(reason.isBlank());
        boolean namesLibraries = CublasGemm.LIBRARIES.stream().allMatch(l -> reason.contains(l + " not found"));
        boolean namesTheFailingCall = reason.startsWith("libcublas.so.") && reason.contains("cublasCreate_v2");
        assertTrue(namesLibraries || namesTheFailingCall, reason);
    }
}
