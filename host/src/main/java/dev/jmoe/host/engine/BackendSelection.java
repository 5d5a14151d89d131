package dev.jmoe.host.engine;

import dev.jmoe.host.model.GpuDevice;
import dev.jmoe.host.model.Placement;
import dev.jmoe.host.model.PlacementRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Decides at load which GPUs the plan may use: none when the rules want none ({@code -ngl 0} and no
 * {@code -ot ...=CUDA}), without even looking for a backend; otherwise those of a usable backend. When
 * the rules want a GPU and there is none, the engine runs CPU-only and says why in exactly one line,
 * logged at INFO through this class's logger, which the CLI's logging configuration shows by default.
 */
public final class BackendSelection {
    private static final Logger log = LoggerFactory.getLogger(BackendSelection.class);
    static final String NOT_INSTALLED = "CUDA backend not on the class path";

    private BackendSelection() {}

    /** The GPUs the plan may use, with the one-line notice logged when the rules wanted a GPU and get none. */
    public static List<GpuDevice> gpus(PlacementRules rules) {
        return gpus(rules, BackendProvider::installed, log::info);
    }

    static List<GpuDevice> gpus(PlacementRules rules, Supplier<Optional<BackendProvider>> finder, Consumer<String> notice) {
        if (!rules.wantsGpu()) return List.of();
        BackendProvider.Status status = status(finder);
        if (status.usable()) return status.devices();
        notice.accept(cpuOnlyLine(status));
        return List.of();
    }

    /** Logs the placement table at load when the plan uses a GPU (a CPU-only plan has nothing to tell). */
    static void announce(Placement placement) {
        if (placement.usesGpu()) log.info("\n{}", placement.table().stripTrailing());
    }

    /**
     * The installed backend opened on {@code tensors}, or null after one line saying why it could not open
     * (the engine then runs CPU-only, as when no GPU is found).
     */
    static DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host) {
        return open(tensors, expertsUsed, offload, host, BackendProvider::installed, log::info);
    }

    static DeviceBackend open(List<DeviceTensor> tensors, int expertsUsed, OffloadOptions offload, Backend host,
                              Supplier<Optional<BackendProvider>> finder, Consumer<String> notice) {
        try {
            Optional<BackendProvider> provider = finder.get();
            if (provider.isEmpty()) {
                notice.accept("no CUDA device: " + NOT_INSTALLED + "; running CPU-only");
                return null;
            }
            return provider.get().open(tensors, expertsUsed, offload, host);
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            log.debug("GPU backend failed to open", e);
            notice.accept("CUDA backend failed to open: " + e.getMessage() + "; running CPU-only");
            return null;
        }
    }

    /** What the installed backend reports; a provider that cannot be loaded or throws is reported, not raised. */
    public static BackendProvider.Status status(Supplier<Optional<BackendProvider>> finder) {
        try {
            Optional<BackendProvider> provider = finder.get();
            if (provider.isEmpty()) return BackendProvider.Status.unusable(NOT_INSTALLED, List.of());
            return provider.get().status();
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            log.debug("GPU backend failed to load", e);
            return BackendProvider.Status.unusable("GPU backend failed to load: " + e, List.of());
        }
    }

    /** {@code no CUDA device: <why>; running CPU-only}, or, where devices exist, why the backend cannot use them. */
    static String cpuOnlyLine(BackendProvider.Status status) {
        String what = status.devices().isEmpty() ? "no CUDA device" : "CUDA backend unusable";
        return what + ": " + status.reason() + "; running CPU-only";
    }
}
