package io.orrery.examples.bench;

import io.orrery.spark.ShardPlacement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestbedMasterTest {

    @Test
    void masterColumnRoundTripsHostsRateAndPlacement() {
        TestbedMaster m = TestbedMaster.parse("testbed[2,10gbit,colocated]");
        assertEquals(new TestbedMaster(2, "10gbit", ShardPlacement.COLOCATED), m);
        assertEquals("testbed[2,10gbit,colocated]", m.master());
        assertEquals(1e10, m.bitsPerSecond());
        assertEquals(4e8, TestbedMaster.bitsPerSecond("400mbit"));
        assertTrue(TestbedMaster.isTestbed(m.master()));
        assertFalse(TestbedMaster.isTestbed("local-cluster[2,1,2048]"));
    }

    @Test
    void malformedMastersAndRatesAreRejectedWithTheExpectedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestbedMaster.parse("testbed[2,1gbit]"));
        assertEquals("Expected a test-bed master such as testbed[2,1gbit,driver] (hosts, a rate in gbit/mbit/kbit,"
                + " driver or colocated), found \"testbed[2,1gbit]\"", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TestbedMaster(0, "1gbit", ShardPlacement.DRIVER));
        assertThrows(IllegalArgumentException.class, () -> TestbedMaster.bitsPerSecond("fast"));
    }

    @Test
    void aTestbedRowTalksToTheBedsMasterFromTheDriversHostWithItsPlacement() {
        BenchConfig c = new BenchConfig(BenchConfig.ORRERY, "testbed[2,1gbit,colocated]", 2, "sync", "float32", 128,
                1, 1);
        assertTrue(ClusterRowLauncher.startsItsOwnCluster(c));
        assertEquals(BenchTestbed.SPARK_MASTER, ClusterRowLauncher.sparkMaster(c));
        assertEquals(ShardPlacement.COLOCATED, ClusterRowLauncher.placement(c));
        Map<String, String> conf = ClusterRowLauncher.executorSettings(c);
        assertEquals(BenchTestbed.DRIVER_ADDRESS, conf.get("spark.driver.host"));
        assertEquals("2", conf.get("spark.cores.max"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains("-Dorrery.udp.rate=1gbit"),
                conf.toString());
        // The round trip is UdpSettings' default unless bench is told otherwise.
        assertTrue(!conf.get("spark.executor.extraJavaOptions").contains("orrery.udp.rtt"), conf.toString());
        assertEquals(List.of("ip", "netns", "exec", "orrbn-d"), BenchTestbed.onDriverHost());
        BenchConfig local = new BenchConfig(BenchConfig.ORRERY, "local[2]", 2, "sync", "float32", 128, 1, 1);
        assertEquals(ShardPlacement.DRIVER, ClusterRowLauncher.placement(local));
        assertEquals("local[2]", ClusterRowLauncher.sparkMaster(local));
    }

    @Test
    void testbedRowsAtEachRateAndPlacementAreTheirOwnSeriesBesideTheLoopbackCluster() {
        // One chart cannot hold two series of the same label (the report of a cluster+testbed run failed on that).
        List<String> masters = List.of("local-cluster[2,1,2048]", "testbed[2,1gbit,driver]",
                "testbed[2,10gbit,driver]", "testbed[2,1gbit,colocated]");
        List<String> labels = masters.stream().map(m -> new BenchConfig(BenchConfig.ORRERY, m, 1, "sync", "float32",
                128, 1, 2).seriesLabel()).toList();
        assertEquals(masters.size(), labels.stream().distinct().count(), labels.toString());
        assertEquals(masters.size(), masters.stream().map(m -> new BenchConfig(BenchConfig.ORRERY, m, 1, "sync",
                "float32", 128, 1, 2).seriesKey()).distinct().count());
        assertTrue(labels.get(1).contains("(testbed 1gbit driver)"), labels.get(1));
    }
}
