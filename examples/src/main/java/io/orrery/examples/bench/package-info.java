/**
 * The scaling benchmark behind the {@code bench} subcommand: a grid of training runs (workers, mode, encoding,
 * per-worker batch, parameter-server shards), one {@link io.orrery.examples.bench.RunResult} row per run, and the
 * writers for {@code results.json} (also the resume state), {@code results.csv}, PNG charts and {@code report.md}.
 * The DL4J baseline runs in its own JVM (the separate {@code bench-dl4j/} project) and prints rows in the same
 * JSON schema.
 */
package io.orrery.examples.bench;
