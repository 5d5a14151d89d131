package dev.jmoe.cli;

import dev.jmoe.host.mem.HugePageMode;
import dev.jmoe.host.mem.LoadOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * How model tensor data is placed in memory: llama.cpp's {@code --no-mmap} and {@code --mlock}, plus
 * {@code --hugepages}. A picocli mixin, so every command that loads a model takes the same flags.
 */
public final class LoadFlags {
    @Option(names = "--no-mmap", description = "Read the model into anonymous memory instead of mapping the file.")
    boolean noMmap;

    @Option(names = "--mlock", description = "Lock the model in RAM (needs RLIMIT_MEMLOCK or CAP_IPC_LOCK).")
    boolean mlock;

    @Option(names = "--hugepages", paramLabel = "MODE", converter = HugePageModeConverter.class,
            description = "off (default), thp, 2m, 1g: copy tensor data into huge pages; a short pool falls back 1g -> 2m -> thp -> 4 KiB with a warning.")
    HugePageMode hugePages = HugePageMode.OFF;

    LoadOptions toOptions() {
        return new LoadOptions(!noMmap, mlock, hugePages);
    }

    static final class HugePageModeConverter implements ITypeConverter<HugePageMode> {
        @Override
        public HugePageMode convert(String value) {
            return HugePageMode.parse(value);
        }
    }
}
