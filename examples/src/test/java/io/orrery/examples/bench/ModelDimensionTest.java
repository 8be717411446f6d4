package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --models}: rows carry their model, and each model is measured and reported against its own rows. */
class ModelDimensionTest {

    @TempDir
    Path out;

    /** An MLP row whose bytes are what the MLP really sends: 407,050 float32 gradients per worker and step. */
    private static RunResult mlp(int workers, double samplesPerSecond) {
        RunResult r = BenchRows.orrery(workers, samplesPerSecond);
        return new RunResult(r.config(), r.status(), r.error(), r.startedAt(), r.wallSeconds(), r.steps(),
                r.samplesPerSecond(), r.stepMs(), r.computeMs(), r.communicationMs(), r.waitingMs(),
                1_628_200L * workers * r.steps(), 1_628_200L * workers * r.steps(), null, null, null,
                r.finalAccuracy(), r.accuracyCurve());
    }

    @Test
    void gridRunsEachModelAndLeavesTheConvnetOutOfTheMlpOnlyBaseline() {
        BenchCommand c = new BenchCommand(List.of());
        new CommandLine(c).parseArgs("--out", out.toString(), "--workers", "1,2", "--models", "mlp,convnet",
                "--systems", "orrery,core-fit,dl4j-parameter-averaging", "--paths", "local,cluster");
        List<String> grid = c.grid().stream().map(g -> g.model() + ":" + g.system() + "@" + g.master()).toList();
        assertEquals(List.of("mlp:orrery@local[1]", "mlp:orrery@local[2]", "mlp:orrery@local-cluster[1,1,2048]",
                "mlp:orrery@local-cluster[2,1,2048]", "mlp:core-fit@none",
                "mlp:dl4j-parameter-averaging@local[1]", "mlp:dl4j-parameter-averaging@local[2]",
                "mlp:dl4j-parameter-averaging@local-cluster[1,1,2048]",
                "mlp:dl4j-parameter-averaging@local-cluster[2,1,2048]",
                "convnet:orrery@local[1]", "convnet:orrery@local[2]", "convnet:orrery@local-cluster[1,1,2048]",
                "convnet:orrery@local-cluster[2,1,2048]", "convnet:core-fit@none"), grid);
    }

    @Test
    void theDefaultGridIsTheMlpAlone() {
        BenchCommand c = new BenchCommand(List.of());
        new CommandLine(c).parseArgs("--out", out.toString());
        assertTrue(c.grid().stream().allMatch(g -> BenchConfig.MLP.equals(g.model())));
    }

    @Test
    void anUnknownModelIsRejectedWithTheChoices() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand(List.of()));
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(2, cl.execute("--out", out.toString(), "--models", "mlp,resnet"));
        assertTrue(err.toString().contains("Invalid value for --models: expected one or more of [mlp, convnet]"
                + " separated by commas, received \"resnet\""), err.toString());
    }

    @Test
    void aConfigWithoutAModelReadsAsTheMlpAndAnUnknownOneIsRefused() {
        BenchConfig old = ResultsJson.parseConfig("{\"system\":\"orrery\",\"master\":\"local[2]\",\"workers\":2,"
                + "\"mode\":\"sync\",\"encoding\":\"float32\",\"batchPerWorker\":128,\"shards\":1,\"epochs\":2}");
        assertEquals(BenchRows.orrery(2, 1).config(), old, "a results.json from before --models resumes");
        BenchConfig conv = BenchRows.convnet(2, 1).config();
        assertEquals(conv, ResultsJson.parseConfig(ResultsJson.configToLine(conv)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BenchConfig("orrery",
                "local[1]", 1, "sync", "float32", 128, 1, 2, "resnet"));
        assertTrue(e.getMessage().contains("expected one of [mlp, convnet], found \"resnet\""), e.getMessage());
    }

    @Test
    void theModelIsPartOfARunsIdentityAndOfItsScalingSeries() {
        BenchConfig mlp = BenchRows.orrery(2, 1).config();
        BenchConfig conv = BenchRows.convnet(2, 1).config();
        assertNotEquals(mlp.key(), conv.key(), "resuming one model's grid does not skip the other's runs");
        assertNotEquals(mlp.seriesKey(), conv.seriesKey(), "each model's efficiency is against its own 1-worker run");
        assertEquals("orrery sync float32 b=128", mlp.seriesLabel());
        assertEquals("orrery convnet sync float32 b=128", conv.seriesLabel());
        List<RunResult> filled = Efficiency.fill(List.of(mlp(1, 5000), mlp(2, 8000), BenchRows.convnet(1, 400),
                BenchRows.convnet(2, 760)));
        assertEquals(0.80, filled.get(1).parallelEfficiency(), 1e-9);
        assertEquals(0.95, filled.get(3).parallelEfficiency(), 1e-9);
    }

    @Test
    void reportHasTablesPerModelAndTheConvnetsEfficiencyNextToTheMlps() throws Exception {
        List<RunResult> rows = List.of(mlp(1, 5000), mlp(2, 8000), BenchRows.dl4j(2, 4000),
                BenchRows.convnet(1, 400), BenchRows.convnet(2, 760));
        BenchReport.writeAll(out, rows, null);
        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertTrue(report.contains("## Model: mlp") && report.contains("## Model: convnet"), report);
        String convnetPart = report.substring(report.indexOf("## Model: convnet"), report.indexOf("## Models side"));
        assertTrue(convnetPart.contains("| orrery | local[2] | 2 | sync | float32 | 128 | 1 | 2 | 760 |"), convnetPart);
        assertFalse(convnetPart.contains("dl4j"), "the convnet's tables hold its own rows only: " + convnetPart);
        assertTrue(convnetPart.contains("The DL4J baseline trains the MLP only"), convnetPart);
        // MLP: 6 ms of compute per 1.628 MB a step; convnet: 80 ms per 0.417 MB. 192 / 3.685 = 52x. Exchange share:
        // MLP (2 + 1) / 9 ms, convnet (4 + 6) / 90 ms.
        assertTrue(report.contains("| convnet | 104,202 | local | sync float32 b=128 | 2 | 760 | 0.95 | 80.00 | 11% |"
                + " 0.417 | 191.9 |"), report);
        assertTrue(report.contains("| mlp | 407,050 | local | sync float32 b=128 | 2 | 8000 | 0.80 | 6.00 | 33% |"
                + " 1.628 | 3.7 |"), report);
        assertTrue(report.contains("| local | sync float32 b=128 | 2 | 0.80 | 0.95 | 33% | 11% | 52x |"), report);
        assertTrue(report.contains("**2.00x**"), "the MLP keeps its ratio to DL4J: " + report);

        List<List<String>> csv = CsvTestParser.parse(Files.readString(out.resolve(CsvResultsWriter.FILE_NAME)));
        int model = CsvResultsWriter.HEADER.indexOf("model");
        assertEquals(List.of("model", "mlp", "mlp", "mlp", "convnet", "convnet"),
                csv.stream().map(r -> r.get(model)).toList());
    }

    @Test
    void aReportOfTheMlpAloneHasNoModelSections() throws Exception {
        BenchReport.writeAll(out, List.of(mlp(1, 5000), mlp(2, 8000)), null);
        String report = Files.readString(out.resolve(ReportWriter.FILE_NAME));
        assertFalse(report.contains("## Model:") || report.contains("## Models side by side"), report);
        assertTrue(report.contains("Workload: the reference MNIST MLP"), report);
    }

    @Test
    void parameterCountsInTheReportAreThoseOfTheBuiltModels() {
        for (String m : BenchConfig.MODELS) {
            assertEquals(ModelSection.PARAMETERS.get(m), ReferenceWorkload.newModel(m).countParams(), m);
        }
    }
}
