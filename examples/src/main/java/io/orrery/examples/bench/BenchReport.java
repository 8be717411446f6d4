package io.orrery.examples.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes every output of a benchmark into one directory: CSV, charts and report (results.json is kept live). */
public final class BenchReport {

    private BenchReport() {
    }

    /**
     * Derives efficiency and time-to-accuracy, then writes {@code results.csv}, the PNG charts and
     * {@code report.md} into {@code outDir}.
     *
     * @param simulation the simulator section, or null
     * @return the rows as reported (with the derived fields)
     */
    public static List<RunResult> writeAll(Path outDir, List<RunResult> rows, SimulationResult simulation)
            throws IOException {
        List<RunResult> derived = Efficiency.fill(rows.stream().map(RunResult::withTimesToAccuracy).toList());
        CsvResultsWriter.write(outDir, derived);
        ChartWriter.throughput(outDir, derived);
        ChartWriter.efficiency(outDir, derived);
        ChartWriter.accuracy(outDir, derived);
        if (simulation != null) {
            ChartWriter.simulation(outDir, simulation.predictions(), false);
            ChartWriter.simulation(outDir, simulation.predictions(), true);
        }
        ReportWriter.write(outDir, derived, simulation);
        return derived;
    }
}
