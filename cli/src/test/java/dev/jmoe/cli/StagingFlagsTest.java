package dev.jmoe.cli;

import dev.jmoe.cuda.staging.PinMode;
import dev.jmoe.host.engine.OffloadBatchSize;
import dev.jmoe.host.engine.OffloadOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagingFlagsTest {
    @CommandLine.Command(name = "t")
    static final class Host implements Runnable {
        @CommandLine.Mixin
        StagingFlags flags = new StagingFlags();

        @Override
        public void run() {
        }
    }

    private static Host parse(String... args) {
        Host h = new Host();
        new CommandLine(h).parseArgs(args);
        return h;
    }

    @Test
    void defaultsChooseAtLoadWithThresholdThirtyTwo() {
        StagingFlags f = parse().flags;
        assertEquals(new OffloadBatchSize.Fixed(32), f.offloadBatchSize());
        var options = f.staging(10L << 30);
        assertNull(options.requested());
        assertEquals(5L << 30, options.cacheBudgetBytes());
        assertFalse(options.eager());
    }

    @Test
    void everyFlagReachesTheOptions() {
        StagingFlags f = parse("--offload-batch-size", "auto", "--expert-pin", "register", "--pin-cache-gib", "1.5",
                "--pin-eager").flags;
        assertEquals(new OffloadBatchSize.Auto(), f.offloadBatchSize());
        var options = f.staging(0);
        assertEquals(PinMode.REGISTER, options.requested());
        assertEquals(3L << 29, options.cacheBudgetBytes());
        assertTrue(options.eager());
    }

    @Test
    void theEngineFlagsOfEveryModelCommandCarryThemToTheEngine() {
        @CommandLine.Command(name = "r")
        final class RunLike implements Runnable {
            @CommandLine.Mixin
            EngineFlags engine = new EngineFlags();

            @Override
            public void run() {
            }
        }
        RunLike r = new RunLike();
        new CommandLine(r).parseArgs("--offload-batch-size", "8", "--expert-pin", "copy", "--pin-cache-gib", "2", "--pin-eager");
        assertEquals(new OffloadOptions(new OffloadBatchSize.Fixed(8), "copy", 2.0, true), r.engine.toOptions(0).offload());
        RunLike none = new RunLike();
        new CommandLine(none).parseArgs();
        assertEquals(OffloadOptions.DEFAULTS, none.engine.toOptions(0).offload());
    }

    @Test
    void listsAreBenchsCrossProductAndRefusedWhereOneValueIsMeant() {
        StagingFlags f = parse("--offload-batch-size", "8,auto", "--expert-pin", "off,register").flags;
        assertEquals(List.of(
                new OffloadOptions(new OffloadBatchSize.Fixed(8), "off", null, false),
                new OffloadOptions(new OffloadBatchSize.Fixed(8), "register", null, false),
                new OffloadOptions(new OffloadBatchSize.Auto(), "off", null, false),
                new OffloadOptions(new OffloadBatchSize.Auto(), "register", null, false)), f.offloads());
        var e = assertThrows(IllegalArgumentException.class, f::offload);
        assertTrue(e.getMessage().contains("lists are for bench"), e.getMessage());
    }

    @Test
    void badValuesAreUsageErrorsThatNameTheFlag() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Host()).setErr(new PrintWriter(err)).execute("--expert-pin", "always");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--expert-pin: 'always' is not one of off, copy, register"), err.toString());
        err.getBuffer().setLength(0);
        exit = new CommandLine(new Host()).setErr(new PrintWriter(err)).execute("--offload-batch-size", "0");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("--offload-batch-size: '0' is neither a whole number"), err.toString());
    }
}
