package io.orrery.core.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's {@code AUC}: area under the ROC or precision-recall curve, approximated over {@code num_thresholds}
 * evenly spaced thresholds ({@code -1e-7, 1/(T-1), ..., (T-2)/(T-1), 1+1e-7}).
 *
 * <p>State: true/false positive/negative counts per threshold, as Keras keeps them, so merging is exact.
 * Predictions are probabilities in [0, 1] (or logits with {@code fromLogits}); labels are in [0, 1] and count
 * {@code y} towards the positives and {@code 1 - y} towards the negatives, as Keras's bucketed update does (0/1
 * labels give integer counts). All elements count ({@code multi_label=false}).
 */
public class AUC extends Metric {

    private static final long serialVersionUID = 1L;

    /** Keras's {@code backend.epsilon()}, used for the end thresholds. */
    private static final double EPSILON = 1e-7;

    /** Which curve is integrated. */
    public enum Curve { ROC, PR }

    /** Keras's Riemann summation methods. */
    public enum SummationMethod { INTERPOLATION, MINORING, MAJORING }

    private final int numThresholds;
    private final Curve curve;
    private final SummationMethod summationMethod;
    private final boolean fromLogits;

    private final double[] truePositives;
    private final double[] falsePositives;
    private final double[] trueNegatives;
    private final double[] falseNegatives;

    /** Keras's defaults: 200 thresholds, ROC, interpolation. */
    public AUC() {
        this("auc", 200, Curve.ROC, SummationMethod.INTERPOLATION, false);
    }

    public AUC(String name) {
        this(name, 200, Curve.ROC, SummationMethod.INTERPOLATION, false);
    }

    /**
     * @param numThresholds number of thresholds, {@code > 1}
     * @param curve         ROC (default) or PR
     * @param method        summation method; interpolation is the Keras default
     * @param fromLogits    apply a sigmoid to predictions first
     */
    public AUC(String name, int numThresholds, Curve curve, SummationMethod method, boolean fromLogits) {
        super(name);
        if (numThresholds <= 1) {
            throw new IllegalArgumentException(name + ": expected num_thresholds > 1, found " + numThresholds);
        }
        if (curve == null || method == null) {
            throw new IllegalArgumentException(name + ": expected a curve " + Arrays.toString(Curve.values()) + " and a summation method "
                    + Arrays.toString(SummationMethod.values()) + ", found " + curve + " and " + method);
        }
        this.numThresholds = numThresholds;
        this.curve = curve;
        this.summationMethod = method;
        this.fromLogits = fromLogits;
        this.truePositives = new double[numThresholds];
        this.falsePositives = new double[numThresholds];
        this.trueNegatives = new double[numThresholds];
        this.falseNegatives = new double[numThresholds];
    }

    /** Parses Keras's curve names ("ROC", "roc", "PR", "pr"). */
    public static Curve curve(String name) {
        try {
            return Curve.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("AUC: expected curve one of [ROC, PR], found \"" + name + "\"");
        }
    }

    /** Parses Keras's summation method names ("interpolation", "minoring", "majoring"). */
    public static SummationMethod summationMethod(String name) {
        try {
            return SummationMethod.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("AUC: expected summation_method one of [interpolation, minoring, majoring], found \"" + name + "\"");
        }
    }

    /** The thresholds, as Keras's {@code AUC.thresholds}. */
    public double[] thresholds() {
        double[] thresholds = new double[numThresholds];
        thresholds[0] = -EPSILON;
        for (int i = 1; i < numThresholds - 1; i++) {
            thresholds[i] = (double) i / (numThresholds - 1);
        }
        thresholds[numThresholds - 1] = 1 + EPSILON;
        return thresholds;
    }

    @Override
    public void updateState(INDArray yTrue, INDArray yPred) {
        requireNonNull(yTrue, yPred, name());
        if (Shapes.emptyBatch(yTrue, yPred, name())) {
            return;
        }
        INDArray[] same = Shapes.sameShape(yTrue, yPred, name());
        INDArray predictions = fromLogits ? Transforms.sigmoid(same[1], true) : same[1];
        boolean float32 = predictions.dataType() == DataType.FLOAT;
        double[] p = HostArrays.values(predictions);
        double[] y = HostArrays.values(same[0]);
        // Each prediction falls in the bucket of the highest threshold it exceeds; the counts at threshold i are
        // then the sums over buckets >= i (Keras's segment_sum + reversed cumsum).
        double[] positiveInBucket = new double[numThresholds];
        double[] negativeInBucket = new double[numThresholds];
        double totalPositive = 0;
        double totalNegative = 0;
        float scale = numThresholds - 1;
        for (int k = 0; k < p.length; k++) {
            double prediction = p[k];
            double label = y[k];
            if (!(prediction >= 0 && prediction <= 1)) {
                throw new IllegalArgumentException(name() + ": expected predictions in [0, 1], found " + prediction + " at element " + k
                        + (fromLogits ? "" : "; for logits build the metric with fromLogits=true"));
            }
            if (!(label >= 0 && label <= 1)) {
                throw new IllegalArgumentException(name() + ": expected labels in [0, 1], found " + label + " at element " + k);
            }
            // float32 predictions are scaled in float32, as Keras does, so that boundary cases land in its bucket
            double scaled = float32 ? (float) prediction * scale : prediction * (numThresholds - 1);
            int bucket = Math.max((int) Math.ceil(scaled) - 1, 0);
            positiveInBucket[bucket] += label;
            negativeInBucket[bucket] += 1 - label;
            totalPositive += label;
            totalNegative += 1 - label;
        }
        double tp = 0;
        double fp = 0;
        for (int i = numThresholds - 1; i >= 0; i--) {
            tp += positiveInBucket[i];
            fp += negativeInBucket[i];
            truePositives[i] += tp;
            falsePositives[i] += fp;
            falseNegatives[i] += totalPositive - tp;
            trueNegatives[i] += totalNegative - fp;
        }
    }

    @Override
    public double result() {
        int t = numThresholds;
        if (curve == Curve.PR && summationMethod == SummationMethod.INTERPOLATION) {
            return interpolatePrAuc();
        }
        double[] x = new double[t];
        double[] y = new double[t];
        for (int i = 0; i < t; i++) {
            double recall = ConfusionCounts.divideNoNan(truePositives[i], truePositives[i] + falseNegatives[i]);
            if (curve == Curve.ROC) {
                x[i] = ConfusionCounts.divideNoNan(falsePositives[i], falsePositives[i] + trueNegatives[i]);
                y[i] = recall;
            } else {
                x[i] = recall;
                y[i] = ConfusionCounts.divideNoNan(truePositives[i], truePositives[i] + falsePositives[i]);
            }
        }
        double area = 0;
        for (int i = 0; i < t - 1; i++) {
            double height = switch (summationMethod) {
                case INTERPOLATION -> (y[i] + y[i + 1]) / 2.0;
                case MINORING -> Math.min(y[i], y[i + 1]);
                case MAJORING -> Math.max(y[i], y[i + 1]);
            };
            area += (x[i] - x[i + 1]) * height;
        }
        return area;
    }

    /** Keras's {@code interpolate_pr_auc} (Davis &amp; Goadrich 2006): TP and FP interpolated linearly, not precision. */
    private double interpolatePrAuc() {
        double area = 0;
        for (int i = 0; i < numThresholds - 1; i++) {
            double dtp = truePositives[i] - truePositives[i + 1];
            double pA = truePositives[i] + falsePositives[i];
            double pB = truePositives[i + 1] + falsePositives[i + 1];
            double dp = pA - pB;
            double slope = ConfusionCounts.divideNoNan(dtp, Math.max(dp, 0));
            double intercept = truePositives[i + 1] - slope * pB;
            double safeRatio = pA > 0 && pB > 0 ? ConfusionCounts.divideNoNan(pA, Math.max(pB, 0)) : 1.0;
            area += ConfusionCounts.divideNoNan(slope * (dtp + intercept * Math.log(safeRatio)),
                    Math.max(truePositives[i + 1] + falseNegatives[i + 1], 0));
        }
        return area;
    }

    /** Per-threshold counts (copies), as Keras's {@code true_positives} etc. */
    public double[] truePositives() {
        return truePositives.clone();
    }

    public double[] falsePositives() {
        return falsePositives.clone();
    }

    public double[] trueNegatives() {
        return trueNegatives.clone();
    }

    public double[] falseNegatives() {
        return falseNegatives.clone();
    }

    @Override
    public void resetState() {
        Arrays.fill(truePositives, 0);
        Arrays.fill(falsePositives, 0);
        Arrays.fill(trueNegatives, 0);
        Arrays.fill(falseNegatives, 0);
    }

    @Override
    protected void mergeState(Metric other) {
        AUC o = (AUC) other;
        for (int i = 0; i < numThresholds; i++) {
            truePositives[i] += o.truePositives[i];
            falsePositives[i] += o.falsePositives[i];
            trueNegatives[i] += o.trueNegatives[i];
            falseNegatives[i] += o.falseNegatives[i];
        }
    }

    @Override
    protected Map<String, Object> settings() {
        Map<String, Object> settings = super.settings();
        settings.put("num_thresholds", numThresholds);
        settings.put("curve", curve.name());
        settings.put("summation_method", summationMethod.name().toLowerCase(Locale.ROOT));
        settings.put("multi_label", false);
        settings.put("from_logits", fromLogits);
        return settings;
    }
}
