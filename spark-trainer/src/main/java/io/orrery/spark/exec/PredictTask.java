package io.orrery.spark.exec;

import io.orrery.spark.ModelSpec;
import io.orrery.spark.ReplicableModel;
import io.orrery.spark.data.InvalidInputException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Predicts class probabilities for one partition, in batches, keeping the input order. Generic in the element so
 * that rows keep their other columns: {@code features} reads an element's input vector, {@code combine} makes the
 * output element from the input element and its probabilities.
 *
 * @param <T> input element (a float[] or a Row)
 * @param <R> output element
 */
public final class PredictTask<T, R> implements FlatMapFunction<Iterator<T>, R> {

    private static final long serialVersionUID = 1L;

    /** Makes an output element from an input element and its probabilities; serializable for Spark. */
    public interface Combiner<T, R> extends Serializable {
        R combine(T input, float[] probabilities);
    }

    private final ModelSpec spec;
    private final long inputWidth;
    private final Broadcast<float[]> parameters;
    private final int batchSize;
    private final Function<T, float[]> features;
    private final Combiner<T, R> combine;

    public PredictTask(ModelSpec spec, long inputWidth, Broadcast<float[]> parameters, int batchSize,
                       Function<T, float[]> features, Combiner<T, R> combine) {
        this.spec = spec;
        this.inputWidth = inputWidth;
        this.parameters = parameters;
        this.batchSize = batchSize;
        this.features = features;
        this.combine = combine;
    }

    @Override
    public Iterator<R> call(Iterator<T> elements) throws Exception {
        List<R> out = new ArrayList<>();
        if (!elements.hasNext()) {
            return out.iterator();
        }
        ReplicableModel replica = spec.build();
        replica.parameters().assign(Nd4j.createFromArray(parameters.value()));
        int width = Math.toIntExact(inputWidth);
        float[] buffer = new float[batchSize * width];
        List<T> batch = new ArrayList<>(batchSize);
        long position = 0;
        while (elements.hasNext()) {
            batch.clear();
            while (batch.size() < batchSize && elements.hasNext()) {
                T element = elements.next();
                float[] row = features.call(element);
                if (row.length != width) {
                    throw new InvalidInputException("Input width does not match the model: expected " + width
                            + " features per sample, found " + row.length + " in row " + position
                            + " of this partition. Build the model for this width or reshape the features.");
                }
                System.arraycopy(row, 0, buffer, batch.size() * width, width);
                batch.add(element);
                position++;
            }
            int count = batch.size();
            float[] input = count == batchSize ? buffer : Arrays.copyOf(buffer, count * width);
            INDArray probabilities = replica.predict(Nd4j.createFromArray(input).reshape(count, width));
            for (int i = 0; i < count; i++) {
                out.add(combine.combine(batch.get(i), probabilities.getRow(i).toFloatVector()));
            }
        }
        return out.iterator();
    }
}
