package dev.jmoe.cuda.staging;

import dev.jmoe.host.mem.Mman;

import java.lang.foreign.MemorySegment;

/**
 * One {@code _exps} tensor in host memory: {@code experts} equal slabs of {@code expertBytes} from {@code address}.
 * {@code boundsStart..boundsEnd} is memory known to be mapped around it (page aligned), the most a registration
 * may grow to when it rounds the tensor's range out to 2 MiB.
 */
public record ExpertTensor(String name, long address, long expertBytes, int experts, long boundsStart, long boundsEnd) {
    public ExpertTensor {
        if (expertBytes <= 0 || experts <= 0) throw new IllegalArgumentException(name + ": " + experts + " experts of " + expertBytes + " B");
        if (boundsStart > address || boundsEnd < address + expertBytes * experts) {
            throw new IllegalArgumentException(name + ": bounds do not contain the tensor");
        }
    }

    /** A tensor whose only known-mapped memory is the pages it touches. */
    public static ExpertTensor of(String name, MemorySegment data, int experts) {
        return of(name, data, experts, data);
    }

    /** A tensor inside {@code mapping} (e.g. the model's mapped tensor region). */
    public static ExpertTensor of(String name, MemorySegment data, int experts, MemorySegment mapping) {
        long start = mapping.address() & -Mman.PAGE_SIZE;
        long end = (mapping.address() + mapping.byteSize() + Mman.PAGE_SIZE - 1) & -Mman.PAGE_SIZE;
        return new ExpertTensor(name, data.address(), data.byteSize() / experts, experts, start, end);
    }

    public long bytes() {
        return expertBytes * experts;
    }

    public long expertAddress(int expert) {
        return address + expertBytes * expert;
    }
}
