package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @TempDir
    Path out;

    private final StringWriter err = new StringWriter();
    private final StringWriter stdout = new StringWriter();

    private int run(BenchCommand command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(stdout, true));
        return cl.execute(args);
    }

    private void assertUsageError(String expected, String... args) {
        int code = run(new BenchCommand(List.of()), args);
        assertEquals(2, code, "usage errors exit with 2; stderr: " + err);
        assertTrue(err.toString().contains(expected), "expected \"" + expected + "\" in: " + err);
    }

    @Test
    void outIsRequired() {
        assertUsageError("Missing required option: '--out=<out>'", "--workers", "1");
    }

    @Test
    void zeroWorkersIsRejected() {
        assertUsageError("Invalid value for --workers: expected whole numbers >= 1", "--out", out.toString(),
                "--workers", "1,0");
    }

    @Test
    void nonNumericWorkersIsRejected() {
        assertUsageError("Invalid value for option '--workers'", "--out", out.toString(), "--workers", "one");
    }

    @Test
    void unknownSystemIsRejectedWithTheChoices() {
        assertUsageError("expected one of [core-fit, dl4j-parameter-averaging, dl4j-shared-training, orrery], received"
                + " \"horovod\"", "--out", out.toString(), "--systems", "orrery,horovod");
    }

    @Test
    void unknownModeIsRejected() {
        assertUsageError("expected sync, async or bounded:S with S >= 1, received \"bounded:0\"", "--out",
                out.toString(), "--modes", "sync,bounded:0");
    }

    @Test
    void unknownEncodingIsRejected() {
        assertUsageError("Invalid value for --encodings: Invalid value for encoding", "--out", out.toString(),
                "--encodings", "int8");
    }

    @Test
    void unknownMasterIsRejected() {
        assertUsageError("expected local, local[K], spark://HOST:PORT, yarn or k8s://URL, received \"mesos://x\"",
                "--out", out.toString(), "--master", "mesos://x");
    }

    @Test
    void outThatIsAFileIsRejected() throws Exception {
        Path file = Files.writeString(out.resolve("f"), "x");
        assertUsageError("expected a directory, found the file", "--out", file.toString());
    }

    @Test
    void missingDataDirectoryIsRejected() {
        assertUsageError("Invalid value for --data", "--out", out.toString(), "--data",
                out.resolve("nope").toString());
    }

    @Test
    void gridRunsEverySystemAndSettingWithGrowingWorkers() {
        BenchCommand c = new BenchCommand(List.of());
        new CommandLine(c).parseArgs("--out", out.toString(), "--workers", "1,2", "--modes", "sync,async");
        List<BenchConfig> grid = c.grid();
        assertEquals(2 * 2 + 1 + 2 + 2, grid.size());
        assertEquals("local[2]", grid.get(1).master());
        // core's single-process fit: one run, one worker, whatever --workers says.
        List<BenchConfig> core = grid.stream().filter(g -> g.system().equals(BenchConfig.CORE_FIT)).toList();
        assertEquals(1, core.size());
        assertEquals(1, core.get(0).workers());
        assertEquals(BenchCommand.DL4J_SHARED_ENCODING, grid.get(grid.size() - 1).encoding());
    }

    @Test
    void clusterPathRunsOrreryAndDl4jOnLocalClustersOfTheSameShape() {
        BenchCommand c = new BenchCommand(List.of());
        new CommandLine(c).parseArgs("--out", out.toString(), "--workers", "1,2", "--paths", "local,cluster",
                "--systems", "orrery,dl4j-shared-training,core-fit");
        List<String> masters = c.grid().stream().map(g -> g.system() + "@" + g.master()).toList();
        assertEquals(List.of("orrery@local[1]", "orrery@local[2]", "orrery@local-cluster[1,1,2048]",
                "orrery@local-cluster[2,1,2048]", "dl4j-shared-training@local[1]", "dl4j-shared-training@local[2]",
                "dl4j-shared-training@local-cluster[1,1,2048]", "dl4j-shared-training@local-cluster[2,1,2048]",
                "core-fit@none"), masters);
    }

    @Test
    void unknownPathIsRejected() {
        assertUsageError("Invalid value for --paths: expected local, cluster and/or testbed, received \"yarn\"",
                "--out", out.toString(), "--paths", "yarn");
    }

    @Test
    void testbedPathRunsOrreryOncePerRateAndPlacementOnABedOfTheLargestWorkerCount() {
        BenchCommand c = new BenchCommand(List.of());
        new CommandLine(c).parseArgs("--out", out.toString(), "--workers", "1,2", "--paths", "cluster,testbed",
                "--systems", "orrery,dl4j-shared-training", "--testbed-rates", "1gbit,10gbit",
                "--placements", "driver,colocated");
        List<String> masters = c.grid().stream().map(g -> g.system() + "@" + g.master() + "/" + g.workers()).toList();
        assertEquals(List.of("orrery@local-cluster[1,1,2048]/1", "orrery@local-cluster[2,1,2048]/2",
                "orrery@testbed[2,1gbit,driver]/1", "orrery@testbed[2,1gbit,driver]/2",
                "orrery@testbed[2,1gbit,colocated]/1", "orrery@testbed[2,1gbit,colocated]/2",
                "orrery@testbed[2,10gbit,driver]/1", "orrery@testbed[2,10gbit,driver]/2",
                "orrery@testbed[2,10gbit,colocated]/1", "orrery@testbed[2,10gbit,colocated]/2",
                "dl4j-shared-training@local-cluster[1,1,2048]/1", "dl4j-shared-training@local-cluster[2,1,2048]/2"),
                masters);
    }

    @Test
    void badTestbedRateIsRejectedWithTheExpectedForm() {
        assertUsageError("Invalid value for --testbed-rates: Invalid link rate: expected a number followed by gbit,"
                + " mbit or kbit (e.g. 1gbit, 10gbit, 400mbit), received \"1g\"",
                "--out", out.toString(), "--paths", "testbed", "--testbed-rates", "1g");
    }

    @Test
    void unknownPlacementIsRejected() {
        assertUsageError("Invalid value for --placements: expected driver and/or colocated, received \"hosts\"",
                "--out", out.toString(), "--paths", "testbed", "--placements", "hosts");
    }

    @Test
    void colocatedShardsWithAsyncAreRejectedBeforeAnyRun() {
        assertUsageError("Invalid combination: --placements colocated supports --modes sync only, received --modes"
                        + " sync,async; run the other modes with --placements driver",
                "--out", out.toString(), "--paths", "testbed", "--placements", "colocated", "--modes", "sync,async");
    }

    /** Returns rows shaped like real ones and counts calls, to see what a resumed grid reruns. */
    private static final class RecordingRunner implements BenchRunner {
        final List<BenchConfig> calls = new ArrayList<>();
        final boolean failTwoWorkers;

        RecordingRunner(boolean failTwoWorkers) {
            this.failTwoWorkers = failTwoWorkers;
        }

        @Override
        public boolean handles(String system) {
            return true;
        }

        @Override
        public RunResult run(BenchConfig config, Path workDir) {
            calls.add(config);
            if (failTwoWorkers && config.workers() == 2) {
                throw new IllegalStateException("executor lost");
            }
            RunResult base = config.isBaseline() ? BenchRows.dl4j(1, 3000) : BenchRows.orrery(1, 5000);
            return new RunResult(config, RunResult.OK, null, base.startedAt(), base.wallSeconds(), base.steps(),
                    base.samplesPerSecond() * (config.workers() == 1 ? 1 : 1.6), base.stepMs(), base.computeMs(),
                    base.communicationMs(), base.waitingMs(), base.bytesSent(), base.bytesReceived(), null, null,
                    null, base.finalAccuracy(), base.accuracyCurve());
        }
    }

    @Test
    void failedRunsAreRecordedAndOnlyTheyAreRerunOnResume() throws Exception {
        RecordingRunner first = new RecordingRunner(true);
        int code = run(new BenchCommand(List.of(first)), "--out", out.toString(), "--workers", "1,2");
        assertEquals(1, code, "a failed run makes the exit code 1; stdout: " + stdout);
        assertEquals(7, first.calls.size(), "2 x 3 Spark systems and core's fit once");
        assertTrue(Files.exists(out.resolve("report.md")));
        assertTrue(stdout.toString().contains("FAILED: IllegalStateException: executor lost"), stdout.toString());

        RecordingRunner second = new RecordingRunner(false);
        code = run(new BenchCommand(List.of(second)), "--out", out.toString(), "--workers", "1,2");
        assertEquals(0, code, stdout.toString());
        assertEquals(3, second.calls.size(), "only the three failed 2-worker runs are repeated");
        second.calls.forEach(c -> assertEquals(2, c.workers()));
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("**1.67x**"), "Orrery/DL4J ratio at 2 workers, 8000 / 4800: " + report);
        assertTrue(report.contains("Check against measured points"), "simulation fitted to the 1-worker row");
    }
}
