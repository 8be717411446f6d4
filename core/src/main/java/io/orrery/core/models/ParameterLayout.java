package io.orrery.core.models;

import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One contiguous buffer for all of a model's trainable weights and one, of the same layout, for their gradients
 * (docs/architecture.md, invariant 1). Each weight variable becomes a column-major view into the parameter buffer,
 * at an offset given by its position in the model; the parameter server ships slices of exactly these buffers.
 *
 * <p>Non-trainable weights (BatchNormalization's moving statistics) live in a second flat buffer,
 * {@link #nonTrainable()}, laid out the same way: they are state, not parameters, so the optimizer, the gradient
 * buffer and the parameter server never see them (docs/model-format.md, "Trainable and non-trainable weights").
 */
public final class ParameterLayout {

    /** Where one weight lives in the flat buffers. */
    public record Entry(String name, long offset, long length, long[] shape) {
    }

    private final INDArray parameters;
    private final INDArray gradients;
    private final INDArray nonTrainable;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> nonTrainableEntries = new ArrayList<>();
    private final List<INDArray> gradientViews = new ArrayList<>();

    /** Moves the variables' current values into a new flat buffer and rebinds each variable to its view. */
    public ParameterLayout(List<Variable> variables, DataType dataType) {
        this(variables, List.of(), dataType);
    }

    /**
     * Moves the trainable variables into the flat parameter buffer and the non-trainable ones into the flat
     * non-trainable buffer, rebinding each variable to its view.
     */
    public ParameterLayout(List<Variable> trainable, List<Variable> nonTrainable, DataType dataType) {
        for (Variable v : trainable) {
            if (!v.trainable()) {
                throw new IllegalArgumentException("weight " + v.name() + " is not trainable but was given as trainable;"
                        + " pass it in the non-trainable list");
            }
        }
        parameters = flat(trainable, dataType);
        gradients = flat(trainable, dataType);
        this.nonTrainable = flat(nonTrainable, dataType);
        long offset = 0;
        for (Variable v : trainable) {
            long n = v.array().length();
            long[] shape = v.shape();
            v.rebind(view(parameters, offset, n, shape));
            gradientViews.add(view(gradients, offset, n, shape));
            entries.add(new Entry(v.name(), offset, n, shape));
            offset += n;
        }
        offset = 0;
        for (Variable v : nonTrainable) {
            long n = v.array().length();
            long[] shape = v.shape();
            v.rebind(view(this.nonTrainable, offset, n, shape));
            nonTrainableEntries.add(new Entry(v.name(), offset, n, shape));
            offset += n;
        }
    }

    private static INDArray flat(List<Variable> variables, DataType dataType) {
        long total = 0;
        for (Variable v : variables) {
            total += v.array().length();
        }
        // never empty: ND4J has no zero-length vectors to take views of; size() reports the real count
        return Nd4j.zeros(dataType, Math.max(total, 1)).reshape(Math.max(total, 1));
    }

    /** A column-major view of {@code flat[offset, offset + n)} with the given shape (no copy). */
    static INDArray view(INDArray flat, long offset, long n, long[] shape) {
        INDArray segment = flat.get(NDArrayIndex.interval(offset, offset + n));
        return shape.length <= 1 ? segment.reshape(shape.length == 0 ? new long[]{1} : shape) : segment.reshape('f', shape);
    }

    /** Flat vector of every weight. */
    public INDArray parameters() {
        return parameters;
    }

    /** Flat vector of every weight's gradient, laid out as {@link #parameters()}. */
    public INDArray gradients() {
        return gradients;
    }

    /**
     * Flat vector of every non-trainable weight (length one, holding 0, when there are none: check
     * {@link #nonTrainableSize()}).
     */
    public INDArray nonTrainable() {
        return nonTrainable;
    }

    /** Number of trainable values: the length of the parameter and gradient buffers that matters. */
    public long size() {
        return end(entries);
    }

    /** Number of non-trainable values. */
    public long nonTrainableSize() {
        return end(nonTrainableEntries);
    }

    private static long end(List<Entry> list) {
        return list.isEmpty() ? 0 : list.get(list.size() - 1).offset() + list.get(list.size() - 1).length();
    }

    /** Where each trainable weight lives in {@link #parameters()}. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Where each non-trainable weight lives in {@link #nonTrainable()}. */
    public List<Entry> nonTrainableEntries() {
        return Collections.unmodifiableList(nonTrainableEntries);
    }

    /** The gradient view of the i-th trainable weight. */
    public INDArray gradientView(int i) {
        return gradientViews.get(i);
    }
}
