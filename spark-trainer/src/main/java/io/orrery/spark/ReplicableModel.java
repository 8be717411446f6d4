package io.orrery.spark;

import io.orrery.core.optimizers.Optimizer;
import io.orrery.core.optimizers.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What the trainer needs from a model: a recipe to rebuild it on another JVM, its flat parameter and gradient
 * buffers (docs/architecture.md, invariant 1), a gradient computation, its optimizer and a mergeable evaluation.
 *
 * <p>Method names follow core's {@code Sequential}, so the adapter over it is a one-line delegation per method.
 * Instances are not thread-safe; each Spark task builds its own replica from {@link #spec()}.
 */
public interface ReplicableModel {

    /** A serializable recipe that rebuilds this model (architecture and compile settings) on an executor. */
    ModelSpec spec();

    /** Number of input features the model was built for (784 for MNIST). */
    long inputWidth();

    /**
     * The shape of one sample, without the batch axis: (784) for an MLP, (28, 28, 1) for a convnet. Spark input
     * rows are flat, {@link #inputWidth()} floats each, reshaped to it row-major (channels last) on the executors.
     * The default is the flat {@code {inputWidth()}}.
     */
    default long[] inputShape() {
        return new long[]{inputWidth()};
    }

    /** Number of classes; labels must lie in {@code [0, numClasses)}. */
    int numClasses();

    /** The flat float32 parameter vector; every layer's weights are views into it. */
    INDArray parameters();

    /**
     * The flat float32 vector of non-trainable state (BatchNormalization's moving statistics), or null if the model
     * has none. It never goes through the gradient exchange: each replica updates its own copy while it trains, and
     * the driver averages the replicas' copies at the end of each epoch (docs/spark-trainer.md). The default is
     * null, for models without such state.
     */
    default INDArray nonTrainableParameters() {
        return null;
    }

    /** The flat gradient vector, same layout and length as {@link #parameters()}. */
    INDArray gradients();

    /**
     * Fills {@link #gradients()} with the batch-mean gradient of the loss.
     *
     * @param x [batch, inputWidth] float32 features
     * @param y [batch] float32 class indices
     * @return the batch's mean loss
     */
    double computeGradients(INDArray x, INDArray y);

    /** Applies the model's optimizer to the whole parameter buffer with the current {@link #gradients()}. */
    void applyGradients();

    /** The optimizer's state (iterations and slots) as bytes, to carry it between Spark stages. */
    byte[] optimizerState();

    /** Restores what {@link #optimizerState()} produced. */
    void restoreOptimizerState(byte[] state);

    /**
     * The optimizer state in core's form, for parameter-server shards that start from it (colocated shards start
     * from the driver's state at every epoch). The default reads {@link #optimizerState()} as core's format
     * ({@link OptimizerState#readFrom}); a model that writes its own format overrides it.
     */
    default OptimizerState serverOptimizerState() {
        try (DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(optimizerState()))) {
            return OptimizerState.readFrom(in, DataType.FLOAT);
        } catch (IOException e) {
            throw new UncheckedIOException("optimizer state: expected core's format (OptimizerState.writeTo)"
                    + " from " + getClass().getName() + ".optimizerState(); override serverOptimizerState() when the"
                    + " model writes its own: " + e.getMessage(), e);
        }
    }

    /**
     * Takes the optimizer state a parameter server built for the whole flat buffer (its shards joined), so that
     * after a fit through the server the driver's model continues where the server stopped. The default writes
     * it in core's format ({@link OptimizerState#writeTo}) and calls {@link #restoreOptimizerState(byte[])}.
     */
    default void restoreOptimizerState(OptimizerState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            state.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restoreOptimizerState(bytes.toByteArray());
    }

    /**
     * The optimizer a parameter server applies to this model's flat parameters (the server owns the optimizer state
     * then); null if the model can only be trained with the default hub exchange.
     */
    default Optimizer optimizer() {
        return null;
    }

    /**
     * Metric results over the batches this replica has trained on since it was built (Keras's {@code accuracy} in
     * the progress line). Workers train on equally many samples, so the driver averages these over workers.
     */
    default Map<String, Double> trainingMetrics() {
        return Map.of();
    }

    /**
     * Class probabilities.
     *
     * @param x [batch, inputWidth] float32 features
     * @return [batch, numClasses]
     */
    INDArray predict(INDArray x);

    /**
     * Loss and metric states over one batch, to be merged with other batches' and partitions' states.
     *
     * @param x [batch, inputWidth] float32 features
     * @param y [batch] float32 class indices
     */
    Evaluation evaluate(INDArray x, INDArray y);
}
