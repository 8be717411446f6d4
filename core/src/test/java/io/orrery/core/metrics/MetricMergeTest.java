package io.orrery.core.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two halves merged equal the whole, bit for bit, for every metric: what distributed evaluation relies on. */
class MetricMergeTest {

    private static final int N = 1000;
    private static final int CLASSES = 5;

    /** One metric kind with the data it reads: labels and predictions for N samples. */
    private record Case(Supplier<Metric> factory, INDArray yTrue, INDArray yPred) {
    }

    private static List<Case> cases(long seed) {
        Random random = new Random(seed);
        Nd4j.getRandom().setSeed(seed);
        INDArray probabilities = Nd4j.rand(DataType.FLOAT, N, CLASSES);
        int[] classes = new int[N];
        float[][] oneHot = new float[N][CLASSES];
        float[] binary = new float[N];
        float[] scores = new float[N];
        for (int i = 0; i < N; i++) {
            classes[i] = random.nextInt(CLASSES);
            oneHot[i][classes[i]] = 1;
            binary[i] = random.nextBoolean() ? 1 : 0;
            // quantised to hit bucket and threshold boundaries too
            scores[i] = random.nextInt(401) / 400f;
        }
        INDArray sparse = Nd4j.createFromArray(classes);
        INDArray binaryLabels = Nd4j.createFromArray(binary).reshape(N, 1);
        INDArray binaryScores = Nd4j.createFromArray(scores).reshape(N, 1);
        return List.of(
                new Case(Accuracy::new, Nd4j.createFromArray(classes).castTo(DataType.FLOAT), probabilities.argMax(1).castTo(DataType.FLOAT)),
                new Case(SparseCategoricalAccuracy::new, sparse, probabilities),
                new Case(CategoricalAccuracy::new, Nd4j.createFromArray(oneHot), probabilities),
                new Case(BinaryAccuracy::new, binaryLabels, binaryScores),
                new Case(Precision::new, binaryLabels, binaryScores),
                new Case(Recall::new, binaryLabels, binaryScores),
                new Case(AUC::new, binaryLabels, binaryScores),
                new Case(() -> new AUC("pr_auc", 50, AUC.Curve.PR, AUC.SummationMethod.INTERPOLATION, false), binaryLabels, binaryScores));
    }

    private static INDArray rows(INDArray a, int from, int to) {
        return a.get(NDArrayIndex.interval(from, to)).dup();
    }

    @Test
    void randomHalvesMergeIntoTheWhole() {
        Random random = new Random(99);
        for (long seed = 1; seed <= 3; seed++) {
            for (Case c : cases(seed)) {
                int split = 1 + random.nextInt(N - 1);
                Metric whole = c.factory().get();
                Metric first = c.factory().get();
                Metric second = c.factory().get();
                whole.updateState(c.yTrue(), c.yPred());
                first.updateState(rows(c.yTrue(), 0, split), rows(c.yPred(), 0, split));
                second.updateState(rows(c.yTrue(), split, N), rows(c.yPred(), split, N));
                first.merge(second);
                assertEquals(whole.result(), first.result(), 0.0, whole.name() + " split at " + split);
                assertSameState(whole, first);
            }
        }
    }

    @Test
    void manyBatchesOnManyWorkersMergeIntoTheWhole() {
        for (Case c : cases(7)) {
            Metric whole = c.factory().get();
            whole.updateState(c.yTrue(), c.yPred());
            Metric[] workers = {c.factory().get(), c.factory().get(), c.factory().get()};
            int batch = 0;
            for (int from = 0; from < N; from += 64, batch++) {
                int to = Math.min(N, from + 64);
                workers[batch % workers.length].updateState(rows(c.yTrue(), from, to), rows(c.yPred(), from, to));
            }
            workers[1].merge(workers[2]);
            workers[0].merge(workers[1]);
            assertEquals(whole.result(), workers[0].result(), 0.0, whole.name());
            assertSameState(whole, workers[0]);
        }
    }

    @Test
    void meanMergesExactlyOnDyadicValues() {
        Random random = new Random(3);
        double[] values = new double[N];
        for (int i = 0; i < N; i++) {
            values[i] = random.nextInt(4096) / 64.0;  // exactly representable sums, whatever the order
        }
        Mean whole = new Mean();
        whole.updateState(Nd4j.createFromArray(values));
        Mean first = new Mean();
        Mean second = new Mean();
        first.updateState(Nd4j.createFromArray(java.util.Arrays.copyOfRange(values, 0, 400)));
        second.updateState(Nd4j.createFromArray(java.util.Arrays.copyOfRange(values, 400, N)));
        first.merge(second);
        assertEquals(whole.result(), first.result(), 0.0);
        assertEquals(whole.count(), first.count(), 0.0);
    }

    @Test
    void mismatchedMetricsDoNotMerge() {
        assertThrows(IllegalArgumentException.class, () -> new Accuracy().merge(new Precision()));
        assertThrows(IllegalArgumentException.class, () -> new Accuracy().merge(new SparseCategoricalAccuracy()));
        assertThrows(IllegalArgumentException.class, () -> new Accuracy().merge(null));
        String thresholds = assertThrows(IllegalArgumentException.class,
                () -> new Precision().merge(new Precision("precision", 0.7, -1))).getMessage();
        assertTrue(thresholds.contains("0.7"), thresholds);
        assertThrows(IllegalArgumentException.class, () -> new AUC().merge(new AUC("auc", 100, AUC.Curve.ROC,
                AUC.SummationMethod.INTERPOLATION, false)));
        assertThrows(IllegalArgumentException.class, () -> new AUC().merge(new AUC("auc", 200, AUC.Curve.PR,
                AUC.SummationMethod.INTERPOLATION, false)));
        assertThrows(IllegalArgumentException.class, () -> new BinaryAccuracy().merge(new BinaryAccuracy("binary_accuracy", 0.3)));
        // the name is not part of the state: "accuracy" and "val_accuracy" of one kind merge
        new SparseCategoricalAccuracy("accuracy").merge(new SparseCategoricalAccuracy("val_accuracy"));
    }

    @Test
    void copiesCarryStateAndAreIndependent() {
        for (Case c : cases(11)) {
            Metric original = c.factory().get();
            original.updateState(rows(c.yTrue(), 0, 500), rows(c.yPred(), 0, 500));
            Metric copy = original.copy();
            assertNotSame(original, copy);
            assertEquals(original.getClass(), copy.getClass());
            assertEquals(original.result(), copy.result(), 0.0, original.name());
            assertEquals(original.getConfig(), copy.getConfig());
            copy.updateState(rows(c.yTrue(), 500, N), rows(c.yPred(), 500, N));
            Metric whole = c.factory().get();
            whole.updateState(c.yTrue(), c.yPred());
            assertEquals(whole.result(), copy.result(), 0.0, original.name());
            copy.resetState();
            assertEquals(0.0, copy.result());
            assertTrue(original.result() != 0 || original instanceof AUC, original.name() + " lost its state through its copy");
        }
    }

    private static void assertSameState(Metric expected, Metric actual) {
        if (expected instanceof Mean mean) {
            assertEquals(mean.total(), ((Mean) actual).total(), 0.0, expected.name() + " total");
            assertEquals(mean.count(), ((Mean) actual).count(), 0.0, expected.name() + " count");
        } else if (expected instanceof AUC auc) {
            AUC other = (AUC) actual;
            assertArrayEquals(auc.truePositives(), other.truePositives(), expected.name());
            assertArrayEquals(auc.falsePositives(), other.falsePositives(), expected.name());
            assertArrayEquals(auc.trueNegatives(), other.trueNegatives(), expected.name());
            assertArrayEquals(auc.falseNegatives(), other.falseNegatives(), expected.name());
        } else if (expected instanceof Precision p) {
            assertEquals(p.truePositives(), ((Precision) actual).truePositives());
            assertEquals(p.falsePositives(), ((Precision) actual).falsePositives());
        } else if (expected instanceof Recall r) {
            assertEquals(r.truePositives(), ((Recall) actual).truePositives());
            assertEquals(r.falseNegatives(), ((Recall) actual).falseNegatives());
        }
    }
}
