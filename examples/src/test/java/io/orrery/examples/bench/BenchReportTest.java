package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.ServerSpec;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.StepSimulator;
import io.orrery.examples.bench.sim.WireEncoding;
import io.orrery.examples.bench.sim.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    @TempDir
    Path out;

    private static final List<RunResult> ROWS = List.of(BenchRows.orrery(1, 5000), BenchRows.orrery(2, 8000),
            BenchRows.dl4j(1, 3000), BenchRows.dl4j(2, 4000),
            RunResult.failed(new BenchConfig("orrery", "local[2]", 2, "async", "float16", 128, 1, 2), "t",
                    "executor lost, step=3"));

    private static SimulationResult simulation() {
        Workload w = new Workload(Workload.MNIST_MLP_PARAMETERS, 128, 20e-6, 0.05);
        List<StepPrediction> p = new ArrayList<>();
        p.addAll(StepSimulator.sweep(StepSimulator.PARAMETER_SERVER, w, WireEncoding.float32(),
                ServerSpec.spread(4), List.of(8, 16, 32), List.of(10.0, 100.0)));
        p.addAll(StepSimulator.sweep(StepSimulator.RING_ALLREDUCE, w, WireEncoding.float32(),
                ServerSpec.spread(4), List.of(8, 16, 32), List.of(10.0, 100.0)));
        return new SimulationResult(20e-6, "test", "float32", 4,
                List.of(new SimulationResult.Check("local (loopback)", 2, 8000, 8400, 0.05)), p, null);
    }

    @Test
    void writesCsvChartsAndReportThatReadBack() throws Exception {
        BenchReport.writeAll(out, ROWS, simulation());

        for (String png : List.of(ChartWriter.THROUGHPUT, ChartWriter.EFFICIENCY, ChartWriter.ACCURACY,
                ChartWriter.SIM_THROUGHPUT, ChartWriter.SIM_EFFICIENCY)) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png + " is not a readable image");
            assertTrue(img.getWidth() > 100 && img.getHeight() > 100, png);
        }

        List<List<String>> csv = CsvTestParser.parse(Files.readString(out.resolve(CsvResultsWriter.FILE_NAME)));
        assertEquals(CsvResultsWriter.HEADER, csv.get(0));
        assertEquals(1 + ROWS.size(), csv.size());
        for (List<String> row : csv) {
            assertEquals(CsvResultsWriter.HEADER.size(), row.size(), "every row has every column: " + row);
        }
        int eff = CsvResultsWriter.HEADER.indexOf("parallel_efficiency");
        assertEquals(0.8, Double.parseDouble(csv.get(2).get(eff)), 1e-9);
        int err = CsvResultsWriter.HEADER.indexOf("error");
        assertEquals("executor lost, step=3", csv.get(5).get(err), "a comma in a cell survives quoting");

        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertTrue(report.contains("![Throughput against workers](throughput.png)"), report);
        assertTrue(report.contains("**2.00x**"), "ratio at 2 workers 8000/4000 stated: " + report);
        assertTrue(report.contains("Assumptions of the model"), report);
        assertTrue(report.contains("## Scaling beyond this machine: placements and models"), report);
        assertTrue(report.contains("| colocated |") && report.contains("ResNet-50 (25,557,032"), report);
        assertTrue(report.contains("Horovod (ring all-reduce, NCCL)"), report);
    }

    @Test
    void reportWithoutBaselineRowsSaysNoRatioCanBeStated() throws Exception {
        BenchReport.writeAll(out, List.of(BenchRows.orrery(1, 5000)), null);
        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertTrue(report.contains("no ratio can be stated"), report);
    }

    @Test
    void oneWorkerRowsAreSetAgainstCoresFitAndCoreIsNotTheBestOrrery() throws Exception {
        List<RunResult> rows = List.of(BenchRows.orrery(1, 5000), BenchRows.coreFit(20000), BenchRows.dl4j(1, 3000));
        BenchReport.writeAll(out, rows, null);
        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertTrue(report.contains("| orrery sync float32 b=128 | local[1] | 5000 | 20000 | 25% | +300% |"), report);
        assertTrue(report.contains("| local | 1 | 5000 | 3000 (dl4j-parameter-averaging) | **1.67x** |"),
                "the ratio uses the trainer's row, not core's faster one: " + report);
    }

    @Test
    void clusterRowsStandNextToTheirLocalRowsWithTheExecutorsStepSplit() throws Exception {
        List<RunResult> rows = List.of(BenchRows.orrery(2, 8000), BenchRows.onCluster(BenchRows.orrery(2, 6000)),
                BenchRows.onCluster(BenchRows.dl4j(2, 2000)));
        BenchReport.writeAll(out, rows, null);
        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertTrue(report.contains("## Cluster against local"), report);
        // 6000 / 8000 of local; exchange (2 + 1) of a 9 ms step.
        assertTrue(report.contains("| orrery (cluster) sync float32 b=128 | 2 | 8000 | 6000 | 75% | 9.00 (6.00 / 2.00"
                + " / 1.00) | 33% |"), report);
        assertTrue(report.contains("| cluster | 2 | 6000 | 2000 (dl4j-parameter-averaging) | **3.00x** |"),
                "the cluster ratio compares cluster rows only: " + report);
    }

    @Test
    void aClusterRunIsItsOwnScalingSeries() {
        BenchConfig local = BenchRows.orrery(2, 1).config();
        BenchConfig cluster = BenchRows.onCluster(BenchRows.orrery(2, 1)).config();
        assertEquals(BenchConfig.LOCAL_PATH, local.path());
        assertEquals(BenchConfig.CLUSTER_PATH, cluster.path());
        assertEquals(BenchConfig.CLUSTER_PATH, new BenchConfig("orrery", "spark://h:7077", 2, "sync", "float32", 128,
                1, 2).path());
        assertTrue(!local.seriesKey().equals(cluster.seriesKey()), "efficiency is taken per path");
    }
}
