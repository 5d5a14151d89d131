package dev.jmoe.host.mem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemlockTest {
    private static final Rlimit.Limit EIGHT_MIB = new Rlimit.Limit(8 * ByteSize.MIB, 8 * ByteSize.MIB);
    private static final long TWELVE_POINT_THREE_GIB = (long) (12.3 * ByteSize.GIB);

    @TempDir
    Path dir;

    @Test
    void smallRegionIsLockedAndUnlockedOnClose() throws IOException {
        Path file = TestFiles.random(dir, ByteSize.MIB, 31);
        long before = ProcSelf.lockedBytes();
        try (ModelMemory m = ModelMemory.load(file, 4096, 512 * 1024, LoadOptions.defaults().withMlock(true))) {
            assertTrue(m.report().locked());
            assertTrue(ProcSelf.lockedBytes() - before >= 512 * 1024, "VmLck did not grow");
        }
        assertEquals(before, ProcSelf.lockedBytes());
    }

    @Test
    void requestBeyondTheLimitIsExplained() {
        MemlockLimit tiny = new MemlockLimit(() -> EIGHT_MIB, () -> false);
        assertEquals(Optional.of("mlock of 12.3 GiB failed: RLIMIT_MEMLOCK is 8.0 MiB"
                + " (raise it: ulimit -l unlimited or LimitMEMLOCK=infinity)"), tiny.shortfall(TWELVE_POINT_THREE_GIB));
        assertEquals(Optional.empty(), tiny.shortfall(8 * ByteSize.MIB));
        var e = assertThrows(MlockException.class, () -> tiny.require(TWELVE_POINT_THREE_GIB));
        assertTrue(e.getMessage().startsWith("mlock of 12.3 GiB failed: RLIMIT_MEMLOCK is 8.0 MiB"));
    }

    @Test
    void capIpcLockOrUnlimitedLiftsTheLimit() {
        assertEquals(Optional.empty(), new MemlockLimit(() -> EIGHT_MIB, () -> true).shortfall(TWELVE_POINT_THREE_GIB));
        Rlimit.Limit unlimited = new Rlimit.Limit(Rlimit.INFINITY, Rlimit.INFINITY);
        assertEquals(Optional.empty(), new MemlockLimit(() -> unlimited, () -> false).shortfall(Long.MAX_VALUE));
    }

    @Test
    void loadRefusesBeforeCopyingWhenTheLimitIsTooSmall() throws IOException {
        Path file = TestFiles.random(dir, 16 * ByteSize.MIB, 32);
        MemlockLimit tiny = new MemlockLimit(() -> EIGHT_MIB, () -> false);
        LoadOptions options = LoadOptions.defaults().withMmap(false).withMlock(true);
        var e = assertThrows(MlockException.class,
                () -> ModelMemory.load(file, 0, 16 * ByteSize.MIB, options, tiny, AnonymousMemory.system()));
        assertEquals("mlock of 16.0 MiB failed: RLIMIT_MEMLOCK is 8.0 MiB"
                + " (raise it: ulimit -l unlimited or LimitMEMLOCK=infinity)", e.getMessage());
    }

    @Test
    void failedMlockNamesErrnoAndLimit() {
        MemlockLimit tiny = new MemlockLimit(() -> EIGHT_MIB, () -> false);
        MlockException e = tiny.failure(TWELVE_POINT_THREE_GIB, new NativeCallException("mlock(0x1000, 1)", 12));
        assertEquals("mlock of 12.3 GiB failed: ENOMEM (Cannot allocate memory); RLIMIT_MEMLOCK is 8.0 MiB"
                + " (raise it: ulimit -l unlimited or LimitMEMLOCK=infinity)", e.getMessage());
    }

    @Test
    void rlimitMatchesProcSelfLimits() {
        long soft = ProcSelf.maxLockedMemorySoft();
        Rlimit.Limit limit = Rlimit.memlock();
        assertEquals(soft, limit.softUnlimited() ? -1 : limit.soft());
    }
}
