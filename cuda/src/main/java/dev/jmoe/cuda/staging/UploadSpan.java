package dev.jmoe.cuda.staging;

/**
 * One host→device copy of a run: {@code bytes} from {@code hostAddress} to {@code runOffset} bytes into the run's
 * device slice. {@code pinned} says whether the source is page-locked (a full-rate DMA) or pageable.
 */
public record UploadSpan(long hostAddress, long bytes, long runOffset, boolean pinned) {}
