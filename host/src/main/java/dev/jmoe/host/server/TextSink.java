package dev.jmoe.host.server;

import java.io.IOException;

/** Where generated text goes as it is produced; an IOException (the client went away) ends the generation. */
@FunctionalInterface
interface TextSink {
    void accept(String text) throws IOException;
}
