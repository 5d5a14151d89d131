package dev.jmoe.host.topo;

import java.nio.file.Path;

/** A kernel file whose content is not what the kernel documents; the message names the file. */
public final class TopologyFormatException extends RuntimeException {
    public TopologyFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
