package io.orrery.core.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Mutable state, like {@code tf.Variable}: weights are variables. A tape watches trainable variables by default.
 *
 * <p>{@link #assign}, {@link #assignAdd} and {@link #assignSub} write in place, so a variable that is a view into a
 * model's flat parameter buffer keeps being that view.
 */
public final class Variable extends Tensor {

    private final String name;
    private final boolean trainable;

    public Variable(INDArray initialValue) {
        this(initialValue, "Variable", true);
    }

    public Variable(INDArray initialValue, String name, boolean trainable) {
        super(initialValue);
        this.name = name;
        this.trainable = trainable;
    }

    /** A trainable scalar variable in the default float type, as {@code tf.Variable(0.)}. */
    public static Variable scalar(double initialValue, String name) {
        return new Variable(org.nd4j.linalg.factory.Nd4j.scalar(Backend.floatx(), initialValue), name, true);
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    /** Replaces the value in place; shapes must match (a scalar is broadcast). */
    public Variable assign(Tensor newValue) {
        return assign(newValue.array());
    }

    public Variable assign(INDArray newValue) {
        checkShape(newValue, "assign");
        value.assign(newValue);
        return this;
    }

    public Variable assign(double newValue) {
        value.assign(newValue);
        return this;
    }

    /** {@code this += delta}, in place. */
    public Variable assignAdd(Tensor delta) {
        checkShape(delta.array(), "assignAdd");
        value.addi(delta.array());
        return this;
    }

    /** {@code this -= delta}, in place. */
    public Variable assignSub(Tensor delta) {
        checkShape(delta.array(), "assignSub");
        value.subi(delta.array());
        return this;
    }

    /** A writable sub-range, as {@code v[0, 0]} in the seed: {@code v.at(0, 0).assign(3.0)}. */
    public Slice at(long... indices) {
        INDArrayIndex[] idx = new INDArrayIndex[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= value.size(i)) {
                throw new IndexOutOfBoundsException("index " + indices[i] + " out of range for axis " + i + " of size " + value.size(i)
                        + " in variable " + name + " of shape " + Arrays.toString(shape()));
            }
            idx[i] = NDArrayIndex.point(indices[i]);
        }
        return new Slice(value.get(idx));
    }

    /** A writable sub-range given by ND4J indices (intervals, points, all). */
    public Slice slice(INDArrayIndex... indices) {
        return new Slice(value.get(indices));
    }

    /** Makes this variable a view into another buffer (used when a model moves weights into its flat buffer). */
    public void rebind(INDArray view) {
        if (!Arrays.equals(view.shape(), value.shape())) {
            throw new IllegalArgumentException("rebind of " + name + ": expected shape " + Arrays.toString(value.shape())
                    + ", found " + Arrays.toString(view.shape()));
        }
        view.assign(value);
        this.value = view;
    }

    private void checkShape(INDArray other, String op) {
        if (other.length() != 1 && !Arrays.equals(other.shape(), value.shape())) {
            throw new IllegalArgumentException(op + " on variable " + name + ": expected shape " + Arrays.toString(value.shape())
                    + " (or a scalar), found " + Arrays.toString(other.shape()));
        }
    }

    /** A view onto part of a variable, writable in place. */
    public static final class Slice {
        private final INDArray view;

        Slice(INDArray view) {
            this.view = view;
        }

        public Slice assign(double v) { view.assign(v); return this; }
        public Slice assign(Tensor v) { view.assign(v.array()); return this; }
        public Slice assignAdd(double v) { view.addi(v); return this; }
        public Slice assignAdd(Tensor v) { view.addi(v.array()); return this; }
        public Slice assignSub(double v) { view.subi(v); return this; }
        public Slice assignSub(Tensor v) { view.subi(v.array()); return this; }
        public INDArray array() { return view; }
    }
}
