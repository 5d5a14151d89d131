package dev.jmoe.cuda;

import java.util.Optional;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JCuda's driver binding, loaded once per JVM. The outcome of the first attempt is kept because the
 * JVM initialises JCudaDriver at most once: later touches only get "Could not initialize class" with
 * the first line of the original error, which no longer says what was missing.
 */
final class JCudaDriverLibrary {

    private static final Logger log = LoggerFactory.getLogger(JCudaDriverLibrary.class);
    private static final Optional<String> LOAD_FAILURE = load();

    private JCudaDriverLibrary() {}

    /** Why the binding cannot be used, or empty when it loaded (driver calls then throw CudaException). */
    static Optional<String> loadFailure() {
        return LOAD_FAILURE;
    }

    private static Optional<String> load() {
        try {
            // The first touch of JCudaDriver loads its native library, which links libcuda.so.1.
            JCudaDriver.setExceptionsEnabled(true);
            return Optional.empty();
        } catch (Throwable t) { // LinkageError or whatever the loader throws: probing must not crash its caller
            log.debug("JCuda driver library did not load", t);
            return Optional.of(ProbeFailure.ofNativeLoad(t));
        }
    }
}
