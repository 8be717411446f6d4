package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.StepPrediction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Draws the benchmark's PNG charts with JFreeChart (headless). Each series keeps one colour in every chart
 * ({@link SeriesStyle}); JFreeChart's default cycle gives colours by position, so the same system changed colour
 * between charts and its yellow was invisible on white.
 */
public final class ChartWriter {

    public static final String THROUGHPUT = "throughput.png";
    public static final String EFFICIENCY = "efficiency.png";
    public static final String ACCURACY = "accuracy.png";
    public static final String SIM_THROUGHPUT = "simulation-throughput.png";
    public static final String SIM_EFFICIENCY = "simulation-efficiency.png";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    static {
        // Charts render into images only; never try to reach a display (there is none on a cluster node).
        System.setProperty("java.awt.headless", "true");
    }

    private ChartWriter() {
    }

    /**
     * Throughput (samples/s) against workers, one line per configuration series; returns the file. A series has
     * the same colour here as in {@link #efficiency} and {@link #accuracy} given the same rows.
     */
    public static Path throughput(Path outDir, List<RunResult> rows) throws IOException {
        return save(throughputChart(rows), outDir.resolve(THROUGHPUT));
    }

    /** Parallel efficiency against workers, one line per configuration series; returns the file. */
    public static Path efficiency(Path outDir, List<RunResult> rows) throws IOException {
        return save(efficiencyChart(rows), outDir.resolve(EFFICIENCY));
    }

    /** Test accuracy against wall time, one line per run (colour: its series; dash: its worker count). */
    public static Path accuracy(Path outDir, List<RunResult> rows) throws IOException {
        return save(accuracyChart(rows), outDir.resolve(ACCURACY));
    }

    static JFreeChart throughputChart(List<RunResult> rows) {
        return scaling(rows, rows, "Training throughput against workers", "samples / s",
                RunResult::samplesPerSecond, false);
    }

    static JFreeChart efficiencyChart(List<RunResult> rows) {
        // colours come from all rows, so a series without an efficiency does not shift the others' colours
        List<RunResult> withEff = rows.stream().filter(r -> r.parallelEfficiency() != null).toList();
        return scaling(rows, withEff, "Parallel efficiency against workers", "efficiency (1 = linear)",
                RunResult::parallelEfficiency, true);
    }

    static JFreeChart accuracyChart(List<RunResult> rows) {
        SeriesStyle colours = SeriesStyle.of(seriesLabels(rows));
        List<Integer> sizes = rows.stream().map(r -> r.config().workers()).distinct().sorted().toList();
        XYSeriesCollection data = new XYSeriesCollection();
        List<RunResult> drawn = new ArrayList<>();
        for (RunResult r : rows) {
            if (!r.ok() || r.accuracyCurve().isEmpty()) {
                continue;
            }
            XYSeries s = new XYSeries(r.config().seriesLabel() + " N=" + r.config().workers(), false, true);
            for (AccuracyPoint p : r.accuracyCurve()) {
                s.add(p.seconds(), p.accuracy());
            }
            data.addSeries(s);
            drawn.add(r);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Test accuracy against wall time", "seconds",
                "test accuracy", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < drawn.size(); i++) {
            renderer.setSeriesPaint(i, colours.colour(drawn.get(i).config().seriesLabel()));
            renderer.setSeriesStroke(i, SeriesStyle.stroke(sizes.indexOf(drawn.get(i).config().workers())));
        }
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        return chart;
    }

    private static List<String> seriesLabels(List<RunResult> rows) {
        return rows.stream().map(r -> r.config().seriesLabel()).toList();
    }

    /**
     * Simulated throughput or efficiency against workers (log 2 axis), one line per method and network.
     *
     * @param efficiency chart efficiency instead of throughput
     */
    public static Path simulation(Path outDir, List<StepPrediction> predictions, boolean efficiency)
            throws IOException {
        Path file = outDir.resolve(efficiency ? SIM_EFFICIENCY : SIM_THROUGHPUT);
        return save(simulationChart(predictions, efficiency), file);
    }

    /** The simulator's chart: colour per method, the same in both charts; dash per link rate. */
    static JFreeChart simulationChart(List<StepPrediction> predictions, boolean efficiency) {
        SeriesStyle colours = SeriesStyle.of(predictions.stream().map(StepPrediction::method).toList());
        List<Double> rates = predictions.stream().map(StepPrediction::gbitPerSecond).distinct().sorted().toList();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        Map<String, StepPrediction> firstOf = new LinkedHashMap<>();
        for (StepPrediction p : predictions) {
            String label = String.format(Locale.ROOT, "%s %.0f Gbit/s", p.method(), p.gbitPerSecond());
            firstOf.putIfAbsent(label, p);
            series.computeIfAbsent(label, k -> new XYSeries(k, true, false))
                    .add(p.workers(), efficiency ? p.efficiency() : p.samplesPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        String what = efficiency ? "efficiency (1 = linear)" : "samples / s";
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Simulated " + (efficiency ? "parallel efficiency" : "throughput") + " (synchronous steps)",
                "workers", what, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        int i = 0;
        for (StepPrediction p : firstOf.values()) {
            renderer.setSeriesPaint(i, colours.colour(p.method()));
            renderer.setSeriesStroke(i, SeriesStyle.stroke(rates.indexOf(p.gbitPerSecond())));
            i++;
        }
        LogAxis x = new LogAxis("workers");
        x.setBase(2);
        x.setTickUnit(new NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0"));
        plot.setDomainAxis(x);
        if (!efficiency) {
            // Decades labelled 10,000 / 100,000 / ... rather than LogAxis's fractional powers of ten.
            LogarithmicAxis y = new LogarithmicAxis(what);
            y.setAllowNegativesFlag(false);
            y.setAutoRangeNextLogFlag(true);
            plot.setRangeAxis(y);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.05);
        }
        return chart;
    }

    /**
     * @param all  every row of the benchmark, for the colours
     * @param rows the rows to draw
     */
    private static JFreeChart scaling(List<RunResult> all, List<RunResult> rows, String title, String yLabel,
                                      ToDoubleFunction<RunResult> value, boolean efficiency) {
        SeriesStyle colours = SeriesStyle.of(seriesLabels(all));
        Map<String, List<RunResult>> bySeries = new LinkedHashMap<>();
        for (RunResult r : rows) {
            if (r.ok()) {
                bySeries.computeIfAbsent(r.config().seriesLabel(), k -> new ArrayList<>()).add(r);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<RunResult>> e : bySeries.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            e.getValue().stream().sorted(Comparator.comparingInt(r -> r.config().workers()))
                    .forEach(r -> s.add(r.config().workers(), value.applyAsDouble(r)));
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "workers", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        int i = 0;
        for (String label : bySeries.keySet()) {
            renderer.setSeriesPaint(i, colours.colour(label));
            renderer.setSeriesStroke(i, SeriesStyle.stroke(0));
            i++;
        }
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        if (efficiency) {
            ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.1);
        }
        return chart;
    }

    private static XYPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        // one shape for every series: the colour names the system, so JFreeChart's shape cycle adds only noise
        renderer.setAutoPopulateSeriesShape(false);
        renderer.setDefaultShape(new Ellipse2D.Double(-3, -3, 6, 6));
        plot.setRenderer(renderer);
        return plot;
    }

    private static Path save(JFreeChart chart, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
