package dev.jmoe.cli;

import dev.jmoe.host.sample.SamplerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The sampling flags of every generating command, with llama.cpp's names and defaults
 * ({@link SamplerConfig#defaults()}): temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, penalties off.
 */
public final class SamplingFlags {
    private static final SamplerConfig DEFAULTS = SamplerConfig.defaults();

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default 0.8).")
    float temperature = DEFAULTS.temperature();

    @Option(names = "--top-k", paramLabel = "N", description = "Keep the N most likely tokens; 0 = off (default 40).")
    int topK = DEFAULTS.topK();

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling; 1.0 = off (default 0.95).")
    float topP = DEFAULTS.topP();

    @Option(names = "--min-p", paramLabel = "P", description = "Drop tokens less likely than P x the most likely; 0 = off (default 0.05).")
    float minP = DEFAULTS.minP();

    @Option(names = "--repeat-penalty", paramLabel = "X", description = "Penalty for repeated tokens; 1.0 = off (default 1.0).")
    float repeatPenalty = DEFAULTS.repeatPenalty();

    @Option(names = "--repeat-last-n", paramLabel = "N", description = "Recent tokens the penalties look at; 0 = off, -1 = the context size (default 64).")
    int repeatLastN = DEFAULTS.repeatLastN();

    @Option(names = "--presence-penalty", paramLabel = "X", description = "Presence penalty; 0 = off (default 0).")
    float presencePenalty = DEFAULTS.presencePenalty();

    @Option(names = "--frequency-penalty", paramLabel = "X", description = "Frequency penalty; 0 = off (default 0).")
    float frequencyPenalty = DEFAULTS.frequencyPenalty();

    @Option(names = {"-s", "--seed"}, paramLabel = "N", description = "Random seed; -1 = a random one (default -1).")
    long seed = SamplerConfig.RANDOM_SEED;

    /** The sampler config; an out-of-range value is a usage error naming the flag's value. */
    SamplerConfig toConfig(CommandLine.Model.CommandSpec spec, int contextSize) {
        if (repeatLastN < -1) throw new CommandLine.ParameterException(spec.commandLine(), "--repeat-last-n must be -1 or more, got " + repeatLastN);
        try {
            return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN == -1 ? contextSize : repeatLastN,
                    presencePenalty, frequencyPenalty, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid sampling flag: " + e.getMessage());
        }
    }
}
