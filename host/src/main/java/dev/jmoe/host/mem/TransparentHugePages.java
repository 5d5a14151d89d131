package dev.jmoe.host.mem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The system's transparent huge page setting ({@code always}, {@code madvise} or {@code never}),
 * the bracketed word in {@code /sys/kernel/mm/transparent_hugepage/enabled}. Under {@code never}
 * madvise(MADV_HUGEPAGE) still succeeds but the kernel will not back the range with huge pages.
 */
public final class TransparentHugePages {
    public static final Path ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private TransparentHugePages() {}

    /** The active setting, or "unsupported" when the kernel has no THP. */
    public static String setting(Path enabledFile) {
        try {
            String text = Files.readString(enabledFile);
            int open = text.indexOf('[');
            int close = text.indexOf(']', open + 1);
            if (open < 0 || close < 0) {
                throw new IllegalStateException(enabledFile + ": no [selected] value in '" + text.trim() + "'");
            }
            return text.substring(open + 1, close);
        } catch (IOException e) {
            return "unsupported";
        }
    }

    public static String setting() {
        return setting(ENABLED);
    }

    /** Whether madvise(MADV_HUGEPAGE) can give a range huge pages under the current setting. */
    public static boolean usable(String setting) {
        return setting.equals("always") || setting.equals("madvise");
    }
}
