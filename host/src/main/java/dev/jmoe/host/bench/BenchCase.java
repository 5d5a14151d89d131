package dev.jmoe.host.bench;

import dev.jmoe.host.engine.EngineOptions;

import java.nio.file.Path;

/** One row of the benchmark: a model, the engine options it is loaded with, and a test. */
public record BenchCase(Path model, EngineOptions options, BenchTest test) {}
