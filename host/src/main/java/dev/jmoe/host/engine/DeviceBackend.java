package dev.jmoe.host.engine;

/**
 * A {@link Backend} that holds device resources (weights copied to a GPU, scratch buffers, a context):
 * the engine closes it with itself. Ops it does not run on its device it hands to the host backend it was
 * opened with, so the forward pass never needs to know which op runs where.
 */
public interface DeviceBackend extends Backend, AutoCloseable {
    /** Bytes of weights this backend copied to its devices. */
    long deviceWeightBytes();

    @Override
    void close();
}
