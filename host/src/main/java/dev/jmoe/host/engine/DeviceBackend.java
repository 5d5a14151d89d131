package dev.jmoe.host.engine;

import java.util.Optional;

/**
 * A {@link Backend} that holds device resources (weights copied to a GPU, scratch buffers, a context):
 * the engine closes it with itself. Ops it does not run on its device it hands to the host backend it was
 * opened with, so the forward pass never needs to know which op runs where.
 */
public interface DeviceBackend extends Backend, AutoCloseable {
    /** Bytes of weights this backend copied to its devices. */
    long deviceWeightBytes();

    /** One line on what crossed PCIe for experts so far (the end of {@code run} prints it); empty when nothing did. */
    default Optional<String> transferSummary() {
        return Optional.empty();
    }

    /**
     * Switches the expert pin mode ({@code off|copy|register}) while the engine runs, without disturbing passes in
     * flight; returns the mode in force (a refused one falls back), or empty where no host experts are staged.
     */
    default Optional<String> switchExpertPin(String mode) {
        return Optional.empty();
    }

    /** The GPU expert path's running totals; empty where no host experts are staged. */
    default Optional<TransferTotals> transferTotals() {
        return Optional.empty();
    }

    /**
     * A control or report this backend offers beyond the ops, by the interface a caller knows it as (the server
     * asks for its {@code Accelerator}: the pin mode switch and the PCIe metrics); empty when it offers none.
     */
    default <T> Optional<T> capability(Class<T> type) {
        return Optional.empty();
    }

    /** Why the device was dropped mid-run (every op then runs on the host), if it was. */
    default Optional<String> failure() {
        return Optional.empty();
    }

    @Override
    void close();
}
