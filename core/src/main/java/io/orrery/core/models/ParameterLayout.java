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
 * One contiguous buffer for all of a model's weights and one, of the same layout, for their gradients
 * (DESIGN.md invariant 1). Each weight variable becomes a column-major view into the parameter buffer, at an offset
 * given by its position in the model; the parameter server ships slices of exactly these buffers.
 */
public final class ParameterLayout {

    /** Where one weight lives in the flat buffers. */
    public record Entry(String name, long offset, long length, long[] shape) {
    }

    private final INDArray parameters;
    private final INDArray gradients;
    private final List<Entry> entries = new ArrayList<>();
    private final List<INDArray> gradientViews = new ArrayList<>();

    /** Moves the variables' current values into a new flat buffer and rebinds each variable to its view. */
    public ParameterLayout(List<Variable> variables, DataType dataType) {
        long total = 0;
        for (Variable v : variables) {
            total += v.array().length();
        }
        parameters = Nd4j.zeros(dataType, Math.max(total, 1)).reshape(Math.max(total, 1));
        gradients = Nd4j.zeros(dataType, Math.max(total, 1)).reshape(Math.max(total, 1));
        long offset = 0;
        for (Variable v : variables) {
            long n = v.array().length();
            long[] shape = v.shape();
            v.rebind(view(parameters, offset, n, shape));
            gradientViews.add(view(gradients, offset, n, shape));
            entries.add(new Entry(v.name(), offset, n, shape));
            offset += n;
        }
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

    public long size() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).offset() + entries.get(entries.size() - 1).length();
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The gradient view of the i-th weight. */
    public INDArray gradientView(int i) {
        return gradientViews.get(i);
    }
}
