package io.orrery.examples.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report's model dimension: what each model is, and the models' scaling side by side. A data-parallel step
 * costs compute in proportion to the model's work per sample and exchange in proportion to its parameter count; the
 * book's convnet does far more work per parameter than the MLP, so each byte on the wire buys more compute and it
 * should scale better. This section states that with the rows' own measurements: compute per step, bytes each
 * worker sends per step, and each model's efficiency against its own 1-worker run.
 */
final class ModelSection {

    /** Trainable parameters of each model as {@link ReferenceWorkload} builds it (a test checks them). */
    static final Map<String, Long> PARAMETERS = Map.of(BenchConfig.MLP, 407_050L, BenchConfig.CONVNET, 104_202L);

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            BenchConfig.MLP, "the reference MNIST MLP (Dense 512 relu, Dense 10 softmax, RMSprop; 407,050 parameters)"
                    + " on 784 features",
            BenchConfig.CONVNET, "the Keras book's MNIST convnet (Conv2D 32/64/128 3x3 relu, two 2x2 max pools,"
                    + " Dense 10 softmax, RMSprop; 104,202 parameters) on (28, 28, 1) images");

    private ModelSection() {
    }

    /** One line saying what {@code model} is. */
    static String describe(String model) {
        return DESCRIPTIONS.getOrDefault(model, model);
    }

    /**
     * Writes the side-by-side tables when Orrery rows of more than one model are present: every such row with its
     * exchange figures, then, for each path and worker count where both models ran with the same settings, the two
     * efficiencies and the ratio of their compute per byte.
     */
    static void write(StringBuilder md, List<RunResult> rows) {
        List<RunResult> orrery = rows.stream().filter(r -> r.ok() && BenchConfig.ORRERY.equals(r.config().system()))
                .sorted(Comparator.comparing((RunResult r) -> r.config().path())
                        .thenComparing(r -> settings(r.config()))
                        .thenComparingInt(r -> r.config().workers())
                        .thenComparingInt(r -> BenchConfig.MODELS.indexOf(r.config().model())))
                .toList();
        if (orrery.stream().map(r -> r.config().model()).distinct().count() < 2) {
            return;
        }
        md.append("## Models side by side\n\n");
        md.append("Each model's efficiency is against its own 1-worker run of the same settings and path. Compute per"
                + " MB = compute ms per step / MB each worker sends per step: how much work one megabyte of gradient"
                + " buys. Exchange share = (communication + waiting) / step, from the workers' own step timers; on a"
                + " machine loaded far beyond its cores, where N workers get N times one worker's share of the CPUs"
                + " and efficiency can exceed 1, it is the figure that still compares the models.\n\n");
        md.append("| model | params | path | settings | workers | samples/s | efficiency | compute ms / step |"
                + " exchange share | MB sent / worker-step | compute ms per MB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : orrery) {
            BenchConfig c = r.config();
            Double perMb = computeMsPerMb(r);
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %d | %.0f | %s | %s | %s | %s | %s |%n",
                    c.model(), PARAMETERS.getOrDefault(c.model(), 0L), c.path(), settings(c), c.workers(),
                    r.samplesPerSecond(), opt("%.2f", r.parallelEfficiency()), opt("%.2f", r.computeMs()),
                    ClusterSection.exchangeShare(r), opt("%.3f", mbPerWorkerStep(r)), opt("%.1f", perMb)));
        }
        md.append('\n');
        pairs(md, orrery);
    }

    /** Where the MLP and the convnet ran with the same settings, path and workers: their efficiencies together. */
    private static void pairs(StringBuilder md, List<RunResult> orrery) {
        List<String> lines = new ArrayList<>();
        for (RunResult conv : orrery) {
            BenchConfig c = conv.config();
            if (!BenchConfig.CONVNET.equals(c.model()) || c.workers() < 2) {
                continue;
            }
            Optional<RunResult> mlp = orrery.stream().filter(r -> BenchConfig.MLP.equals(r.config().model())
                    && r.config().workers() == c.workers() && r.config().path().equals(c.path())
                    && settings(r.config()).equals(settings(c))).findFirst();
            if (mlp.isEmpty()) {
                continue;
            }
            Double convPerMb = computeMsPerMb(conv);
            Double mlpPerMb = computeMsPerMb(mlp.get());
            String ratio = convPerMb == null || mlpPerMb == null || mlpPerMb <= 0 ? "-"
                    : ReportWriter.fmt("%.0fx", convPerMb / mlpPerMb);
            lines.add(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s |", c.path(),
                    settings(c), c.workers(), opt("%.2f", mlp.get().parallelEfficiency()),
                    opt("%.2f", conv.parallelEfficiency()), ClusterSection.exchangeShare(mlp.get()),
                    ClusterSection.exchangeShare(conv), ratio));
        }
        if (lines.isEmpty()) {
            return;
        }
        md.append("| path | settings | workers | MLP efficiency | convnet efficiency | MLP exchange share |"
                + " convnet exchange share | convnet compute per MB / MLP's |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        lines.forEach(l -> md.append(l).append('\n'));
        md.append('\n');
    }

    /** The grid settings a model's row shares with the other model's: everything but model, workers and master. */
    private static String settings(BenchConfig c) {
        return String.format(Locale.ROOT, "%s %s b=%d%s", c.mode(), c.encoding(), c.batchPerWorker(),
                c.shards() > 1 ? " shards=" + c.shards() : "");
    }

    /** MB one worker sends in one step: the run's bytes sent over workers and steps, or null if not measured. */
    static Double mbPerWorkerStep(RunResult r) {
        if (r.bytesSent() == null || r.steps() <= 0) {
            return null;
        }
        return r.bytesSent() / 1e6 / r.config().workers() / r.steps();
    }

    /** Compute milliseconds per megabyte a worker sends, or null when either is not measured. */
    static Double computeMsPerMb(RunResult r) {
        Double mb = mbPerWorkerStep(r);
        if (r.computeMs() == null || mb == null || mb <= 0) {
            return null;
        }
        return r.computeMs() / mb;
    }

    private static String opt(String format, Double v) {
        return v == null ? "-" : ReportWriter.fmt(format, v);
    }
}
