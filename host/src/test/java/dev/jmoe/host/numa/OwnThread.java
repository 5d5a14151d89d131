package dev.jmoe.host.numa;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** Test helper: runs a body on a fresh platform thread, so the memory policy and CPU set it sets die with it. */
final class OwnThread {
    private OwnThread() {}

    static <T> T call(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) throw failure.get();
        return result.get();
    }
}
