package io.orrery.examples.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineFiguresTest {

    @Test
    void theServersStepTimeIsTheLastMeanItLogged(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("orrery-cluster.log");
        Files.write(log, List.of("10:13:57 INFO DistributedEpochs - epoch=1 parameter server: stepsApplied=468"
                        + " meanAggregationMs=8.732 meanStaleness=0.00",
                "10:14:18 INFO ParameterServer - parameter server stopped: version=936 meanAggregationMs=8.976 x=1"));
        assertEquals(8.976, ServerStepTime.fromLog(log), 1e-12);
        Files.write(log, List.of("no server here"));
        assertNull(ServerStepTime.fromLog(log));
        assertNull(ServerStepTime.fromLog(dir.resolve("missing.log")));
    }

    @Test
    void aProbeOnAnIdleCoreGetsMostOfItAndSaysSo() throws Exception {
        CpuShareProbe probe = CpuShareProbe.start(10, 5);
        assertNotNull(probe, "this JVM times thread CPU");
        Thread.sleep(200);
        probe.close();
        Double share = probe.share();
        assertNotNull(share);
        // Any share in (0, 1] is possible on a busy test machine; never more than a whole core.
        assertTrue(share > 0 && share <= 1, share.toString());
    }

    @Test
    void theMachineFiguresSurviveResultsJson() {
        RunResult row = BenchRows.onCluster(BenchRows.orrery(2, 6000)).withMachineFigures(0.42, 9.5);
        RunResult back = ResultsJson.parseArray(ResultsJson.toJson(List.of(row)), "test").get(0);
        assertEquals(0.42, back.cpuShare(), 0);
        assertEquals(9.5, back.serverStepMs(), 0);
        // Rows written before these fields existed read as not measured.
        String old = ResultsJson.toJson(List.of(BenchRows.orrery(1, 5000))).replace("\"cpuShare\" : null,", "")
                .replace("\"serverStepMs\" : null", "\"x\" : 1");
        assertNull(ResultsJson.parseArray(old, "old").get(0).cpuShare());
    }
}
