package dev.jmoe.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_BUS_ID;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID;

import dev.jmoe.host.topo.GpuProbe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.CudaException;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists CUDA devices through the JCuda driver API. Never throws: a machine without a driver, without
 * a device or where JCuda's native library cannot load gets a report saying which. One attempt, no
 * retries, so a CPU-only box pays only for one failed library load.
 */
public final class CudaGpuProbe implements GpuProbe {

    private static final Logger log = LoggerFactory.getLogger(CudaGpuProbe.class);
    private static final int NAME_CAPACITY = 256;

    @Override
    public Report probe() {
        var loadFailure = JCudaDriverLibrary.loadFailure();
        if (loadFailure.isPresent()) {
            return Report.unavailable(loadFailure.get());
        }
        try {
            return new Report(true, "", devices());
        } catch (NoDeviceException e) {
            return Report.unavailable(e.getMessage());
        } catch (CudaException e) {
            log.debug("CUDA driver call failed", e);
            return Report.unavailable(ProbeFailure.ofDriverError(e));
        }
    }

    private static List<Device> devices() {
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new NoDeviceException(ProbeFailure.NO_DEVICE + " (cuDeviceGetCount = 0)");
        }
        List<Device> devices = new ArrayList<>(count[0]);
        for (int i = 0; i < count[0]; i++) {
            devices.add(device(i));
        }
        return List.copyOf(devices);
    }

    private static Device device(int index) {
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, index);
        byte[] name = new byte[NAME_CAPACITY];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        long[] memory = new long[1];
        JCudaDriver.cuDeviceTotalMem(memory, device);
        String busId = "%04x:%02x:%02x.0".formatted(
                attribute(device, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID),
                attribute(device, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID),
                attribute(device, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID));
        return new Device(index, cString(name), memory[0],
                attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                busId);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The driver works but reports no device. */
    private static final class NoDeviceException extends RuntimeException {
        NoDeviceException(String message) {
            super(message, null, false, false);
        }
    }
}
