package dev.jmoe.host.model;

/**
 * Where a tensor lives and its ops run: the host CPU, or (once the CUDA backend plugs in) a GPU by index.
 * NUMA placement of host tensors refines {@link #CPU} later without changing this seam.
 */
public record Device(String kind, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public static Device cuda(int index) {
        return new Device("cuda", index);
    }

    public boolean isCpu() {
        return kind.equals("cpu");
    }

    @Override
    public String toString() {
        return isCpu() ? "cpu" : kind + index;
    }
}
