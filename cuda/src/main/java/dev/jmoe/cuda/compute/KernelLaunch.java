package dev.jmoe.cuda.compute;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One kernel with its parameter block built once: each parameter has a one-element array that JCuda reads
 * at launch time, so setting arguments and launching allocate nothing (the decode loop launches these per
 * layer). Parameter kinds follow the kernel's C signature: {@code P} a device pointer (or any 64-bit
 * value), {@code I} an int, {@code F} a float. One launch at a time: the arguments are shared state.
 */
public final class KernelLaunch {
    private final String name;
    private final CUfunction function = new CUfunction();
    private final String kinds;
    private final Object[] slots;
    private final Pointer parameters;

    public KernelLaunch(CUmodule module, String name, String kinds) {
        this.name = name;
        this.kinds = kinds;
        JCudaDriver.cuModuleGetFunction(function, module, name);
        slots = new Object[kinds.length()];
        NativePointerObject[] pointers = new NativePointerObject[kinds.length()];
        for (int i = 0; i < kinds.length(); i++) {
            switch (kinds.charAt(i)) {
                case 'P' -> { long[] v = new long[1]; slots[i] = v; pointers[i] = Pointer.to(v); }
                case 'I' -> { int[] v = new int[1]; slots[i] = v; pointers[i] = Pointer.to(v); }
                case 'F' -> { float[] v = new float[1]; slots[i] = v; pointers[i] = Pointer.to(v); }
                default -> throw new IllegalArgumentException("parameter kind '" + kinds.charAt(i) + "' of " + name + " (want P, I or F)");
            }
        }
        parameters = Pointer.to(pointers);
    }

    /** Sets pointer (or 64-bit) parameter {@code i}. */
    public KernelLaunch pointer(int i, long value) {
        ((long[]) slot(i, 'P'))[0] = value;
        return this;
    }

    public KernelLaunch integer(int i, int value) {
        ((int[]) slot(i, 'I'))[0] = value;
        return this;
    }

    public KernelLaunch real(int i, float value) {
        ((float[]) slot(i, 'F'))[0] = value;
        return this;
    }

    /** Queues the kernel on {@code stream} (null: the context's default stream). */
    public void launch(int gridX, int gridY, int blockX, int blockY, CUstream stream) {
        JCudaDriver.cuLaunchKernel(function, gridX, gridY, 1, blockX, blockY, 1, 0, stream, parameters, null);
    }

    private Object slot(int i, char kind) {
        if (kinds.charAt(i) != kind) {
            throw new IllegalArgumentException(name + " parameter " + i + " is of kind " + kinds.charAt(i) + ", not " + kind);
        }
        return slots[i];
    }
}
