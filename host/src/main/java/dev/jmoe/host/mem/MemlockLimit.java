package dev.jmoe.host.mem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Checks an mlock request against RLIMIT_MEMLOCK before locking (a 100 GiB copy should not be made
 * only to find it cannot be locked) and explains a failed mlock by the limit. Both sources are
 * parameters so the limit logic can be tested with a tiny limit.
 *
 * <p>A process with CAP_IPC_LOCK (e.g. root) is not bound by the limit, so the check passes for it;
 * the limit counts bytes already locked by the process too, which a fresh load does not know about,
 * so the pre-check can pass and mlock still fail: then {@link #failure} gives the same explanation.
 */
public final class MemlockLimit {
    private static final int CAP_IPC_LOCK = 14;
    private static final String HOW_TO_RAISE = "raise it: ulimit -l unlimited or LimitMEMLOCK=infinity";

    private final Supplier<Rlimit.Limit> limit;
    private final BooleanSupplier exempt;

    public MemlockLimit(Supplier<Rlimit.Limit> limit, BooleanSupplier exempt) {
        this.limit = limit;
        this.exempt = exempt;
    }

    /** The calling process: its RLIMIT_MEMLOCK and its CAP_IPC_LOCK. */
    public static MemlockLimit ofProcess() {
        return new MemlockLimit(Rlimit::memlock, MemlockLimit::hasCapIpcLock);
    }

    /** Why locking {@code bytes} will fail, or empty when the limit allows it. */
    public Optional<String> shortfall(long bytes) {
        Rlimit.Limit l = limit.get();
        if (l.softUnlimited() || Long.compareUnsigned(bytes, l.soft()) <= 0 || exempt.getAsBoolean()) {
            return Optional.empty();
        }
        return Optional.of(message(bytes, l));
    }

    /** Throws {@link MlockException} when {@link #shortfall} finds the limit too small. */
    public void require(long bytes) {
        shortfall(bytes).ifPresent(m -> {
            throw new MlockException(m, null);
        });
    }

    /** The exception for a failed mlock of {@code bytes}, naming the limit. */
    public MlockException failure(long bytes, NativeCallException cause) {
        Rlimit.Limit l = limit.get();
        String limitText = l.softUnlimited() ? "unlimited" : ByteSize.format(l.soft());
        return new MlockException("mlock of " + ByteSize.format(bytes) + " failed: " + Errno.describe(cause.errnoCode())
                + "; RLIMIT_MEMLOCK is " + limitText + " (" + HOW_TO_RAISE + ")", cause);
    }

    private static String message(long bytes, Rlimit.Limit l) {
        return "mlock of " + ByteSize.format(bytes) + " failed: RLIMIT_MEMLOCK is " + ByteSize.format(l.soft())
                + " (" + HOW_TO_RAISE + ")";
    }

    /** Bit CAP_IPC_LOCK of the effective capabilities in /proc/self/status. */
    static boolean hasCapIpcLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps >>> CAP_IPC_LOCK & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false; // unknown: assume bound by the limit, the safe side for a pre-check
        }
        return false;
    }
}
