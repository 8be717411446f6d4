package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.ServerSpec;
import io.orrery.examples.bench.sim.StepPrediction;
import io.orrery.examples.bench.sim.StepSimulator;
import io.orrery.examples.bench.sim.WireEncoding;
import io.orrery.examples.bench.sim.Workload;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One colour per system in every chart, from a palette readable on white. */
class ChartColoursTest {

    /** Three systems; the DL4J one has no 1-worker run, so it has no efficiency line. */
    private static List<RunResult> rows() {
        return Efficiency.fill(List.of(BenchRows.orrery(1, 5000), BenchRows.orrery(2, 8000), BenchRows.coreFit(20000),
                BenchRows.dl4j(2, 4000)));
    }

    /** Colour of each drawn series, keyed by its system (the legend's label up to " N="). */
    private static Map<String, Paint> coloursBySystem(JFreeChart chart) {
        XYPlot plot = chart.getXYPlot();
        XYDataset data = plot.getDataset();
        Map<String, Paint> colours = new HashMap<>();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String system = data.getSeriesKey(i).toString().replaceAll(" N=\\d+$", "");
            Paint paint = plot.getRenderer().getSeriesPaint(i);
            Paint before = colours.putIfAbsent(system, paint);
            assertTrue(before == null || before.equals(paint), system + " has two colours in one chart");
        }
        return colours;
    }

    @Test
    void aSystemKeepsItsColourAcrossTheThroughputEfficiencyAndAccuracyCharts() {
        List<RunResult> rows = rows();
        Map<String, Paint> throughput = coloursBySystem(ChartWriter.throughputChart(rows));
        Map<String, Paint> efficiency = coloursBySystem(ChartWriter.efficiencyChart(rows));
        Map<String, Paint> accuracy = coloursBySystem(ChartWriter.accuracyChart(rows));
        assertEquals(3, throughput.size(), throughput.toString());
        assertEquals(3, accuracy.size(), accuracy.toString());
        String dl4j = BenchRows.dl4j(2, 4000).config().seriesLabel();
        assertTrue(!efficiency.containsKey(dl4j) && efficiency.size() == 2, "no 1-worker DL4J run: " + efficiency);
        for (String system : throughput.keySet()) {
            assertEquals(throughput.get(system), accuracy.get(system), system);
            if (efficiency.containsKey(system)) {
                assertEquals(throughput.get(system), efficiency.get(system), system);
            }
        }
        assertEquals(3, new HashSet<>(throughput.values()).size(), "three systems, three colours: " + throughput);
        assertEquals(SeriesStyle.PALETTE.get(0), throughput.get(BenchRows.orrery(1, 1).config().seriesLabel()),
                "Orrery's own series comes first: " + throughput);
    }

    @Test
    void theSameSystemInAnotherBenchmarkWithMoreSystemsKeepsTheLinesApart() {
        List<RunResult> rows = new ArrayList<>(rows());
        rows.add(RunResult.failed(new BenchConfig("orrery", "local[2]", 2, "async", "float16", 128, 1, 2), "t", "lost"));
        Map<String, Paint> throughput = coloursBySystem(ChartWriter.throughputChart(rows));
        Map<String, Paint> accuracy = coloursBySystem(ChartWriter.accuracyChart(rows));
        assertEquals(throughput, accuracy);
    }

    @Test
    void simulatorChartsColourEachMethodTheSameWay() {
        Workload w = new Workload(Workload.MNIST_MLP_PARAMETERS, 128, 20e-6, 0.05);
        List<StepPrediction> p = new ArrayList<>();
        p.addAll(StepSimulator.sweep(StepSimulator.RING_ALLREDUCE, w, WireEncoding.float32(), ServerSpec.spread(4),
                List.of(8, 16), List.of(10.0, 100.0)));
        p.addAll(StepSimulator.sweep(StepSimulator.PARAMETER_SERVER, w, WireEncoding.float32(), ServerSpec.spread(4),
                List.of(8, 16), List.of(10.0, 100.0)));
        for (boolean efficiency : new boolean[]{false, true}) {
            XYPlot plot = ChartWriter.simulationChart(p, efficiency).getXYPlot();
            Map<String, Paint> byMethod = new HashMap<>();
            Set<Object> strokes = new HashSet<>();
            for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
                String label = plot.getDataset().getSeriesKey(i).toString();
                String method = label.substring(0, label.indexOf(' '));
                Paint paint = plot.getRenderer().getSeriesPaint(i);
                assertEquals(byMethod.computeIfAbsent(method, m -> paint), paint, label);
                strokes.add(plot.getRenderer().getSeriesStroke(i));
            }
            assertEquals(2, byMethod.size());
            assertNotEquals(byMethod.get(StepSimulator.RING_ALLREDUCE), byMethod.get(StepSimulator.PARAMETER_SERVER));
            assertEquals(2, strokes.size(), "one dash pattern per link rate");
        }
    }

    @Test
    void everyPaletteColourIsReadableOnWhiteAndTheyDiffer() {
        for (Color c : SeriesStyle.PALETTE) {
            assertTrue(SeriesStyle.contrastOnWhite(c) >= 3.0, String.format("#%06X contrast %.2f on white", c.getRGB() & 0xFFFFFF,
                    SeriesStyle.contrastOnWhite(c)));
        }
        assertEquals(SeriesStyle.PALETTE.size(), new HashSet<>(SeriesStyle.PALETTE).size());
        assertTrue(SeriesStyle.contrastOnWhite(Color.YELLOW) < 3.0, "the check rejects yellow");
    }
}
