package dev.jmoe.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jmoe.host.topo.GpuProbe;
import dev.jmoe.kernels.Ptx;
import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The committed rmsnorm.ptx, JIT-compiled by the driver of the machine at hand (which proves the
 * lowered ISA version loads there), against a scalar double-precision reference. Needs a CUDA
 * device: without one every test is skipped, never passed.
 */
@Tag("gpu")
class RmsNormKernelGpuTest {

    private static final double UNIT_ROUNDOFF = 0x1p-24;
    /** rsqrtf (rsqrt.approx.f32) is documented within 2 ulp; 4 ulp, i.e. 2^-21 relative, leaves room. */
    private static final double RSQRT_APPROX_ERROR = 0x1p-21;

    private static CUdevice device;
    private static CUmodule module;
    private static CUfunction rmsnorm;
    private static String unavailable;

    @BeforeAll
    static void loadKernel() {
        GpuProbe.Report report = new CudaGpuProbe().probe();
        if (!report.available()) {
            unavailable = "no CUDA device to run on: " + report.reason();
            return;
        }
        device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, 0);
        CUcontext context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        module = new CUmodule();
        JCudaDriver.cuModuleLoadData(module, Ptx.image(Ptx.RMSNORM));
        rmsnorm = new CUfunction();
        JCudaDriver.cuModuleGetFunction(rmsnorm, module, Ptx.RMSNORM_F32);
    }

    /** Each test reports itself skipped (an assumption failing in @BeforeAll hides the tests from the count). */
    @BeforeEach
    void requireDevice() {
        assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    static void unload() {
        if (module != null) JCudaDriver.cuModuleUnload(module);
        if (device != null) JCudaDriver.cuDevicePrimaryCtxRelease(device);
    }

    @Test
    void oddSizedRowsMatchTheScalarReference() {
        checkAgainstReference(3, 1000, 256, 1e-6f, false);
    }

    @Test
    void rowsShorterThanOneWarp() {
        checkAgainstReference(5, 7, 32, 1e-5f, false);
    }

    @Test
    void blockOfThreeWarpsAndManyRows() {
        checkAgainstReference(129, 4097, 96, 1e-6f, false);
    }

    @Test
    void fullBlockInPlace() {
        checkAgainstReference(2, 2048, 1024, 1e-6f, true);
    }

    private static void checkAgainstReference(int rows, int cols, int threads, float eps, boolean inPlace) {
        SplittableRandom random = new SplittableRandom(rows * 31L + cols);
        float[] x = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double rowScale = Math.pow(10, r % 5 - 2); // rows from 1e-2 to 1e2: eps matters on some
            for (int i = 0; i < cols; i++) x[r * cols + i] = (float) (rowScale * random.nextDouble(-1, 1));
        }
        float[] w = new float[cols];
        for (int i = 0; i < cols; i++) w[i] = (float) random.nextDouble(0.5, 1.5);

        float[] y = launch(x, w, rows, cols, threads, eps, inPlace);

        double tolerance = relativeErrorBound(cols);
        String shape = "%dx%d, %d threads%s".formatted(rows, cols, threads, inPlace ? ", in place" : "");
        for (int r = 0; r < rows; r++) {
            double[] want = reference(x, w, r, cols, eps);
            for (int i = 0; i < cols; i++) {
                double error = Math.abs(y[r * cols + i] - want[i]);
                if (error > Math.abs(want[i]) * tolerance + Float.MIN_NORMAL) {
                    fail("row %d col %d (%s): got %s, want %s, relative error %.3g > bound %.3g"
                            .formatted(r, i, shape, y[r * cols + i], want[i], error / Math.abs(want[i]), tolerance));
                }
            }
        }
    }

    /** y[r][i] = x[r][i] * w[i] / sqrt(mean(x[r]^2) + eps), accumulated in double. */
    private static double[] reference(float[] x, float[] w, int row, int cols, float eps) {
        double squares = 0;
        for (int i = 0; i < cols; i++) squares += (double) x[row * cols + i] * x[row * cols + i];
        double scale = 1 / Math.sqrt(squares / cols + eps);
        double[] y = new double[cols];
        for (int i = 0; i < cols; i++) y[i] = x[row * cols + i] * scale * w[i];
        return y;
    }

    /**
     * What float arithmetic may lose, in any summation order: each of the {@code cols} squares and
     * additions of the sum of squares costs at most one rounding (relative error below cols·u for
     * non-negative terms); the mean and the +eps add two; the square root halves all that; the
     * approximate rsqrt adds its own error; the two products add two roundings.
     */
    private static double relativeErrorBound(int cols) {
        double sumOfSquares = (cols + 2) * UNIT_ROUNDOFF;
        return sumOfSquares / 2 + RSQRT_APPROX_ERROR + 2 * UNIT_ROUNDOFF;
    }

    private static float[] launch(float[] x, float[] w, int rows, int cols, int threads, float eps, boolean inPlace) {
        CUdeviceptr dx = upload(x);
        CUdeviceptr dw = upload(w);
        CUdeviceptr dy = inPlace ? dx : allocate(x.length);
        try {
            Pointer params = Pointer.to(Pointer.to(dx), Pointer.to(dw), Pointer.to(dy),
                    Pointer.to(new int[] {cols}), Pointer.to(new float[] {eps}));
            JCudaDriver.cuLaunchKernel(rmsnorm, rows, 1, 1, threads, 1, 1, 0, null, params, null);
            JCudaDriver.cuCtxSynchronize();
            float[] y = new float[x.length];
            JCudaDriver.cuMemcpyDtoH(Pointer.to(y), dy, (long) y.length * Sizeof.FLOAT);
            return y;
        } finally {
            JCudaDriver.cuMemFree(dx);
            JCudaDriver.cuMemFree(dw);
            if (!inPlace) JCudaDriver.cuMemFree(dy);
        }
    }

    private static CUdeviceptr allocate(int floats) {
        CUdeviceptr pointer = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(pointer, (long) floats * Sizeof.FLOAT);
        return pointer;
    }

    private static CUdeviceptr upload(float[] values) {
        CUdeviceptr pointer = allocate(values.length);
        JCudaDriver.cuMemcpyHtoD(pointer, Pointer.to(values), (long) values.length * Sizeof.FLOAT);
        return pointer;
    }
}
