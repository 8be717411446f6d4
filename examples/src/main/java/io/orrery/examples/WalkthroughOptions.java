package io.orrery.examples;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options the local walk-throughs share (picocli mixin). */
final class WalkthroughOptions {

    @Option(names = "--epochs", defaultValue = "5", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", description = "Folder holding the four IDX files (default: the dataset cache, see docs/datasets.md).")
    Path data;
}
