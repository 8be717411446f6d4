package io.orrery.core.losses;

import io.orrery.core.tensor.Float64;
import io.orrery.core.tensor.GradCheck;
import io.orrery.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every loss, in float64: the tape's gradient with respect to the predictions equals central finite differences,
 * for both {@code from_logits} variants where Keras has them; every reduction for a few of them (the base class
 * reduces for all, so three losses of different kinds cover it).
 */
@ExtendWith(Float64.class)
class LossGradientTest {

    /** Uniform in [lo, hi), seeded. */
    private static INDArray uniform(long seed, double lo, double hi, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape).muli(hi - lo).addi(lo);
    }

    /** Rows that sum to one. */
    private static INDArray distributions(long seed, long rows, long cols) {
        INDArray p = uniform(seed, 0.1, 1.0, rows, cols);
        return p.diviColumnVector(p.sum(true, 1));
    }

    private static INDArray oneHot(int[] labels, int classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            y.putScalar(i, labels[i], 1.0);
        }
        return y;
    }

    /** 0/1 targets. */
    private static INDArray binaryTargets(long seed, long... shape) {
        return uniform(seed, 0, 1, shape).gt(0.5).castTo(DataType.DOUBLE);
    }

    private static void check(Loss loss, INDArray yTrue, INDArray yPred) {
        Tensor t = new Tensor(yTrue);
        GradCheck.check(v -> loss.call(t, v.get(0)), yPred);
    }

    @ParameterizedTest
    @EnumSource(Loss.Reduction.class)
    void meanSquaredError(Loss.Reduction r) {
        check(new MeanSquaredError(r), uniform(1, -1, 1, 4, 3), uniform(2, -1, 1, 4, 3));
    }

    @Test
    void meanAbsoluteError() {
        check(new MeanAbsoluteError(), uniform(3, -1, 1, 4, 3), uniform(4, -1, 1, 4, 3));
    }

    @Test
    void meanSquaredLogarithmicError() {
        check(new MeanSquaredLogarithmicError(), uniform(5, 0, 3, 4, 3), uniform(6, 0.1, 3, 4, 3));
    }

    @Test
    void binaryCrossentropyOnProbabilities() {
        check(new BinaryCrossentropy(false), binaryTargets(7, 4, 3), uniform(8, 0.05, 0.95, 4, 3));
    }

    @Test
    void binaryCrossentropyFromLogits() {
        check(new BinaryCrossentropy(true), binaryTargets(9, 4, 3), uniform(10, -4, 4, 4, 3));
    }

    @Test
    void binaryCrossentropyWithSoftTargets() {
        check(new BinaryCrossentropy(false), uniform(11, 0, 1, 3, 2), uniform(12, 0.05, 0.95, 3, 2));
        check(new BinaryCrossentropy(true), uniform(13, 0, 1, 3, 2), uniform(14, -3, 3, 3, 2));
    }

    @Test
    void hingeWithZeroOneTargets() {
        check(new Hinge(), binaryTargets(15, 4, 3), uniform(16, -1.5, 1.5, 4, 3));
    }

    @Test
    void hingeWithSignedTargets() {
        check(new Hinge(), binaryTargets(17, 4, 3).muli(2).subi(1), uniform(18, -1.5, 1.5, 4, 3));
    }

    @Test
    void squaredHinge() {
        check(new SquaredHinge(), binaryTargets(19, 4, 3), uniform(20, -1.5, 1.5, 4, 3));
        check(new SquaredHinge(), binaryTargets(21, 4, 3).muli(2).subi(1), uniform(22, -1.5, 1.5, 4, 3));
    }

    @ParameterizedTest
    @EnumSource(Loss.Reduction.class)
    void categoricalCrossentropyOnProbabilities(Loss.Reduction r) {
        // unnormalized positive predictions: the gradient also runs through Keras's renormalization
        check(new CategoricalCrossentropy(false, r), oneHot(new int[]{0, 2, 1, 2}, 3), uniform(23, 0.1, 1, 4, 3));
        check(new CategoricalCrossentropy(false, r), oneHot(new int[]{0, 2, 1, 2}, 3), distributions(24, 4, 3));
    }

    @Test
    void categoricalCrossentropyFromLogits() {
        check(new CategoricalCrossentropy(true), oneHot(new int[]{0, 2, 1, 2}, 3), uniform(25, -3, 3, 4, 3));
        check(new CategoricalCrossentropy(true), distributions(26, 4, 3), uniform(27, -3, 3, 4, 3));
    }

    @Test
    void sparseCategoricalCrossentropyOnProbabilities() {
        check(new SparseCategoricalCrossentropy(false), Nd4j.createFromArray(0, 2, 1, 2), distributions(28, 4, 3));
    }

    @ParameterizedTest
    @EnumSource(Loss.Reduction.class)
    void sparseCategoricalCrossentropyFromLogits(Loss.Reduction r) {
        check(new SparseCategoricalCrossentropy(true, r), Nd4j.createFromArray(0, 2, 1, 2), uniform(29, -3, 3, 4, 3));
        // float labels of shape (batch, 1) work too, as in Keras
        check(new SparseCategoricalCrossentropy(true, r), Nd4j.createFromArray(new double[][]{{1}, {0}, {2}, {2}}),
                uniform(30, -3, 3, 4, 3));
    }

    @Test
    void klDivergence() {
        check(new KLDivergence(), distributions(31, 4, 3), distributions(32, 4, 3));
    }

    @Test
    void cosineSimilarity() {
        check(new CosineSimilarity(), uniform(33, -1, 1, 4, 3), uniform(34, -1, 1, 4, 3));
    }
}
