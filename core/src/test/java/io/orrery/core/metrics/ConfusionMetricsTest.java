package io.orrery.core.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Precision, Recall and AUC against Keras's documented values, hand computations and edge cases. */
class ConfusionMetricsTest {

    private static final INDArray Y = Nd4j.createFromArray(0.0, 0.0, 1.0, 1.0);
    private static final INDArray P = Nd4j.createFromArray(0.0, 0.5, 0.3, 0.9);

    @Test
    void precisionAndRecallMatchKerasExamples() {
        // Keras: m.update_state([0, 1, 1, 1], [1, 0, 1, 1]) -> 0.6666667 for both
        INDArray labels = Nd4j.createFromArray(0, 1, 1, 1);
        INDArray predictions = Nd4j.createFromArray(1f, 0f, 1f, 1f);
        Precision precision = new Precision();
        Recall recall = new Recall();
        precision.updateState(labels, predictions);
        recall.updateState(labels, predictions);
        assertEquals(2.0 / 3.0, precision.result(), 1e-15);
        assertEquals(2.0 / 3.0, recall.result(), 1e-15);
        assertEquals(2, precision.truePositives());
        assertEquals(1, precision.falsePositives());
        assertEquals(1, recall.falseNegatives());
    }

    @Test
    void precisionAndRecallEdgeCases() {
        // nothing seen, and nothing predicted positive: 0, not NaN
        assertEquals(0.0, new Precision().result());
        assertEquals(0.0, new Recall().result());
        Precision noPositivePredictions = new Precision();
        noPositivePredictions.updateState(Nd4j.createFromArray(1, 0, 1), Nd4j.createFromArray(0.1, 0.5, 0.2));
        assertEquals(0.0, noPositivePredictions.result());
        // all one class
        Precision allPositive = new Precision();
        Recall allPositiveRecall = new Recall();
        allPositive.updateState(Nd4j.ones(DataType.FLOAT, 5), Nd4j.createFromArray(0.9f, 0.8f, 0.2f, 0.7f, 0.6f));
        allPositiveRecall.updateState(Nd4j.ones(DataType.FLOAT, 5), Nd4j.createFromArray(0.9f, 0.8f, 0.2f, 0.7f, 0.6f));
        assertEquals(1.0, allPositive.result());
        assertEquals(0.8, allPositiveRecall.result(), 1e-15);
        Recall allNegative = new Recall();
        allNegative.updateState(Nd4j.zeros(DataType.FLOAT, 4), Nd4j.createFromArray(0.9f, 0.1f, 0.2f, 0.7f));
        assertEquals(0.0, allNegative.result());
        // empty batch
        Precision empty = new Precision();
        empty.updateState(Nd4j.create(DataType.FLOAT, 0), Nd4j.create(DataType.FLOAT, 0));
        assertEquals(0, empty.truePositives() + empty.falsePositives());
    }

    @Test
    void classIdRestrictsToOneColumn() {
        INDArray labels = Nd4j.createFromArray(new float[][]{{1, 0}, {0, 1}, {1, 0}});
        INDArray predictions = Nd4j.createFromArray(new float[][]{{0.9f, 0.8f}, {0.2f, 0.7f}, {0.4f, 0.9f}});
        Recall column0 = new Recall("recall_0", 0.5, 0);
        column0.updateState(labels, predictions);
        assertEquals(0.5, column0.result());
        Precision column1 = new Precision("precision_1", 0.5, 1);
        column1.updateState(labels, predictions);
        assertEquals(1.0 / 3.0, column1.result(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new Precision("p", 0.5, 5).updateState(labels, predictions));
    }

    @Test
    void aucMatchesKerasExample() {
        AUC auc = new AUC("auc", 3, AUC.Curve.ROC, AUC.SummationMethod.INTERPOLATION, false);
        auc.updateState(Y, P);
        // Keras: thresholds [0 - 1e-7, 0.5, 1 + 1e-7]; tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2]
        assertArrayEquals(new double[]{2, 1, 0}, auc.truePositives());
        assertArrayEquals(new double[]{2, 0, 0}, auc.falsePositives());
        assertArrayEquals(new double[]{0, 1, 2}, auc.falseNegatives());
        assertArrayEquals(new double[]{0, 2, 2}, auc.trueNegatives());
        assertEquals(0.75, auc.result(), 1e-15);
    }

    @Test
    void aucSummationMethodsAndPrCurveByHand() {
        // fp_rate = [1, 0, 0], recall = [1, 0.5, 0], precision = [0.5, 1, 0]
        assertEquals(0.5, auc3(AUC.Curve.ROC, AUC.SummationMethod.MINORING), 1e-15);
        assertEquals(1.0, auc3(AUC.Curve.ROC, AUC.SummationMethod.MAJORING), 1e-15);
        assertEquals(0.25, auc3(AUC.Curve.PR, AUC.SummationMethod.MINORING), 1e-15);
        assertEquals(1.0, auc3(AUC.Curve.PR, AUC.SummationMethod.MAJORING), 1e-15);
        // Keras's interpolate_pr_auc: interval 0: slope 1/3, intercept 2/3, P ratio 4, over tp+fn = 2;
        // interval 1: slope 1, intercept 0, ratio 1, over 2
        double expected = (1.0 / 3.0) * (1 + (2.0 / 3.0) * Math.log(4)) / 2 + 0.5;
        assertEquals(expected, auc3(AUC.Curve.PR, AUC.SummationMethod.INTERPOLATION), 1e-15);
    }

    private static double auc3(AUC.Curve curve, AUC.SummationMethod method) {
        AUC auc = new AUC("auc", 3, curve, method, false);
        auc.updateState(Y, P);
        return auc.result();
    }

    @Test
    void aucDefaultsAreKeras() {
        AUC auc = new AUC();
        double[] thresholds = auc.thresholds();
        assertEquals(200, thresholds.length);
        assertEquals(-1e-7, thresholds[0]);
        assertEquals(1.0 / 199, thresholds[1], 1e-17);
        assertEquals(1 + 1e-7, thresholds[199]);
        assertEquals("ROC", auc.getConfig().get("curve"));
        assertEquals("interpolation", auc.getConfig().get("summation_method"));
    }

    @Test
    void aucEdgeCases() {
        assertEquals(0.0, new AUC().result());
        AUC separable = new AUC();
        separable.updateState(Nd4j.createFromArray(0, 0, 1, 1), Nd4j.createFromArray(0.1f, 0.2f, 0.8f, 0.9f));
        assertEquals(1.0, separable.result(), 1e-12);
        AUC reversed = new AUC();
        reversed.updateState(Nd4j.createFromArray(1, 1, 0, 0), Nd4j.createFromArray(0.1f, 0.2f, 0.8f, 0.9f));
        assertEquals(0.0, reversed.result(), 1e-12);
        // all one class: one axis of the ROC curve is 0/0, which Keras's divide_no_nan makes 0 everywhere
        AUC allPositive = new AUC();
        allPositive.updateState(Nd4j.ones(DataType.FLOAT, 4), Nd4j.createFromArray(0.1f, 0.2f, 0.8f, 0.9f));
        assertEquals(0.0, allPositive.result());
        AUC allNegative = new AUC();
        allNegative.updateState(Nd4j.zeros(DataType.FLOAT, 4), Nd4j.createFromArray(0.1f, 0.2f, 0.8f, 0.9f));
        assertEquals(0.0, allNegative.result());
        AUC empty = new AUC();
        empty.updateState(Nd4j.create(DataType.FLOAT, 0, 1), Nd4j.create(DataType.FLOAT, 0, 1));
        assertEquals(0.0, empty.result());
        assertEquals(0.0, empty.truePositives()[0]);
    }

    @Test
    void aucApproximatesTheExactRocAreaOnRandomScores() {
        Random random = new Random(5);
        int n = 2000;
        double[] labels = new double[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextBoolean() ? 1 : 0;
            scores[i] = 1 / (1 + Math.exp(-(random.nextGaussian() + (labels[i] == 1 ? 1.0 : 0.0))));
        }
        AUC auc = new AUC();
        auc.updateState(Nd4j.createFromArray(labels), Nd4j.createFromArray(scores));
        // exact ROC AUC: probability that a random positive outranks a random negative
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (labels[i] == 1 && labels[j] == 0) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertEquals(wins / pairs, auc.result(), 2e-3);
    }

    @Test
    void aucFromLogitsAppliesSigmoid() {
        AUC logits = new AUC("auc", 3, AUC.Curve.ROC, AUC.SummationMethod.INTERPOLATION, true);
        logits.updateState(Y, Nd4j.createFromArray(-10.0, 0.0, Math.log(0.3 / 0.7), 10.0));
        assertEquals(0.75, logits.result(), 1e-12);
    }

    @Test
    void aucRefusesOutOfRangeInputs() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> new AUC().updateState(Nd4j.createFromArray(0, 1), Nd4j.createFromArray(0.5, 1.5))).getMessage();
        assertTrue(message.contains("1.5") && message.contains("fromLogits"), message);
        assertThrows(IllegalArgumentException.class, () -> new AUC().updateState(Nd4j.createFromArray(0, 2), Nd4j.createFromArray(0.5, 0.5)));
        assertThrows(IllegalArgumentException.class, () -> new AUC("a", 1, AUC.Curve.ROC, AUC.SummationMethod.INTERPOLATION, false));
        assertThrows(IllegalArgumentException.class, () -> AUC.curve("PRGAIN"));
        assertEquals(AUC.Curve.PR, AUC.curve("pr"));
        assertEquals(AUC.SummationMethod.MAJORING, AUC.summationMethod("majoring"));
    }
}
