package io.orrery.spark;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real, small model for the trainer's tests until core's Sequential is wired in: multinomial logistic regression
 * (one dense softmax layer) with cross-entropy loss and plain SGD, its weights and bias views into one flat buffer.
 */
final class SoftmaxRegression implements ReplicableModel {

    private final int width;
    private final int classes;
    private final double learningRate;
    private final INDArray parameters;
    private final INDArray gradients;
    private final INDArray weights;
    private final INDArray bias;
    private final INDArray weightGradient;
    private final INDArray biasGradient;
    private long iterations;

    SoftmaxRegression(int width, int classes, double learningRate, long seed) {
        this.width = width;
        this.classes = classes;
        this.learningRate = learningRate;
        long n = (long) width * classes + classes;
        parameters = Nd4j.create(DataType.FLOAT, n);
        gradients = Nd4j.create(DataType.FLOAT, n);
        weights = parameters.get(NDArrayIndex.interval(0, (long) width * classes)).reshape('c', width, classes);
        bias = parameters.get(NDArrayIndex.interval((long) width * classes, n)).reshape(1, classes);
        weightGradient = gradients.get(NDArrayIndex.interval(0, (long) width * classes)).reshape('c', width, classes);
        biasGradient = gradients.get(NDArrayIndex.interval((long) width * classes, n)).reshape(1, classes);
        Nd4j.getRandom().setSeed(seed);
        weights.assign(Nd4j.randn(DataType.FLOAT, width, classes).muli(0.01));
    }

    /** The recipe executors use; parameters are then overwritten by the trainer. */
    static ModelSpec spec(int width, int classes, double learningRate) {
        return () -> new SoftmaxRegression(width, classes, learningRate, 0);
    }

    @Override
    public ModelSpec spec() {
        return spec(width, classes, learningRate);
    }

    @Override
    public long inputWidth() {
        return width;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public INDArray parameters() {
        return parameters;
    }

    @Override
    public INDArray gradients() {
        return gradients;
    }

    @Override
    public double computeGradients(INDArray x, INDArray y) {
        INDArray p = predict(x);
        INDArray oneHot = oneHot(y);
        double loss = -Transforms.log(p.add(1e-7f), false).mul(oneHot).sum().getDouble(0) / x.rows();
        INDArray delta = p.subi(oneHot).divi(x.rows());
        weightGradient.assign(x.transpose().mmul(delta));
        biasGradient.assign(delta.sum(true, 0));
        return loss;
    }

    @Override
    public void applyGradients() {
        parameters.subi(gradients.mul(learningRate));
        iterations++;
    }

    /** The same plain SGD step, for a parameter server to apply. */
    @Override
    public io.orrery.core.optimizers.Optimizer optimizer() {
        return new io.orrery.core.optimizers.SGD(learningRate);
    }

    @Override
    public byte[] optimizerState() {
        return ByteBuffer.allocate(Long.BYTES).putLong(iterations).array();
    }

    @Override
    public void restoreOptimizerState(byte[] state) {
        iterations = ByteBuffer.wrap(state).getLong();
    }

    /** For colocated shards, which start from it: SGD has no slots, only the step count. */
    @Override
    public io.orrery.core.optimizers.OptimizerState serverOptimizerState() {
        return new io.orrery.core.optimizers.OptimizerState(iterations, new org.nd4j.linalg.api.ndarray.INDArray[0]);
    }

    /** From a parameter server: its SGD state counts the steps it applied. */
    @Override
    public void restoreOptimizerState(io.orrery.core.optimizers.OptimizerState state) {
        iterations = state.iterations();
    }

    long iterations() {
        return iterations;
    }

    @Override
    public INDArray predict(INDArray x) {
        INDArray logits = x.mmul(weights).addiRowVector(bias);
        return Transforms.softmax(logits, false);
    }

    @Override
    public Evaluation evaluate(INDArray x, INDArray y) {
        INDArray p = predict(x);
        double lossSum = -Transforms.log(p.add(1e-7f), false).mul(oneHot(y)).sum().getDouble(0);
        INDArray predicted = p.argMax(1).castTo(DataType.FLOAT);
        long correct = predicted.eq(y.castTo(DataType.FLOAT)).castTo(DataType.INT32).sumNumber().longValue();
        return new Scores(lossSum, correct, x.rows());
    }

    private INDArray oneHot(INDArray y) {
        INDArray oneHot = Nd4j.create(DataType.FLOAT, y.length(), classes);
        for (int i = 0; i < y.length(); i++) {
            oneHot.putScalar(i, (int) y.getFloat(i), 1f);
        }
        return oneHot;
    }

    /** Loss sum, correct count and count: merging is addition, hence exact. */
    static final class Scores implements Evaluation {
        private static final long serialVersionUID = 1L;
        private double lossSum;
        private long correct;
        private long count;

        Scores(double lossSum, long correct, long count) {
            this.lossSum = lossSum;
            this.correct = correct;
            this.count = count;
        }

        @Override
        public Evaluation merge(Evaluation other) {
            Scores o = (Scores) other;
            lossSum += o.lossSum;
            correct += o.correct;
            count += o.count;
            return this;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public Map<String, Double> results() {
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("loss", lossSum / count);
            r.put("accuracy", (double) correct / count);
            return r;
        }
    }
}
