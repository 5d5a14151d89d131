package dev.jmoe.cuda.staging;

import dev.jmoe.host.engine.ExpertRuns;

/** One pin mode's way of providing the host side of expert uploads. */
interface ExpertStage extends AutoCloseable {
    PinMode mode();

    /** The spans to upload experts {@code run} of tensor {@code tensor} from, held until the lease closes. */
    StageLease lease(int tensor, ExpertRuns.Run run);

    /** Host bytes this stage keeps page-locked. */
    long pinnedBytes();

    /** A line for the load log: the mode and what it holds. */
    String describe();

    /** Unpins and frees; only called once no lease is open. */
    @Override
    void close();
}
