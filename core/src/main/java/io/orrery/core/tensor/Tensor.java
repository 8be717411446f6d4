package io.orrery.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * An immutable value: an ND4J array that operations in {@link Ops} read and a
 * {@link io.orrery.core.autodiff.GradientTape} can differentiate through.
 *
 * <p>Tensors are compared by identity: the tape tracks which tensor came from which operation.
 * {@link Variable} is the mutable kind, meant for weights.
 */
public class Tensor {

    protected INDArray value;

    /** Whether {@link #value} is a variable's memory, which an assign can change (see {@link Variable#read}). */
    private final boolean borrowed;

    public Tensor(INDArray value) {
        this(value, false);
    }

    Tensor(INDArray value, boolean borrowed) {
        if (value == null) {
            throw new IllegalArgumentException("a tensor needs a value, found null");
        }
        this.value = value;
        this.borrowed = borrowed;
    }

    /** True when this tensor's array may change later (a variable, or a read of one not yet copied). */
    boolean borrowed() {
        return borrowed;
    }

    /** Wraps an array (no copy). */
    public static Tensor of(INDArray value) {
        return new Tensor(value);
    }

    /** A rank-0 tensor in the default float type. */
    public static Tensor scalar(double value) {
        return new Tensor(Nd4j.scalar(Backend.floatx(), value));
    }

    /** A tensor with the given values and shape, in the default float type. */
    public static Tensor constant(double[] values, long... shape) {
        return new Tensor(Nd4j.create(values, shape, Backend.floatx()));
    }

    /** A tensor holding a copy of the given values, shape {@code [values.length]}. */
    public static Tensor vector(double... values) {
        return new Tensor(Nd4j.createFromArray(values).castTo(Backend.floatx()));
    }

    public static Tensor zeros(long... shape) {
        return new Tensor(Nd4j.zeros(Backend.floatx(), shape));
    }

    public static Tensor ones(long... shape) {
        return new Tensor(Nd4j.ones(Backend.floatx(), shape));
    }

    /** The underlying array. For a {@link Variable}, writing to it changes the variable. */
    public INDArray array() {
        return value;
    }

    /** The shape, a fresh copy (ND4J hands out its own cached array, which a caller must not change). */
    public long[] shape() {
        return value.shape().clone();
    }

    public int rank() {
        return value.rank();
    }

    public DataType dataType() {
        return value.dataType();
    }

    /** The single value of a tensor with one element. */
    public double item() {
        if (value.length() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, found shape " + Arrays.toString(shape()));
        }
        return value.getDouble(0);
    }

    public Tensor add(Tensor other) { return Ops.add(this, other); }
    public Tensor add(double other) { return Ops.add(this, scalarLike(other)); }
    public Tensor sub(Tensor other) { return Ops.sub(this, other); }
    public Tensor sub(double other) { return Ops.sub(this, scalarLike(other)); }
    public Tensor mul(Tensor other) { return Ops.mul(this, other); }
    public Tensor mul(double other) { return Ops.mul(this, scalarLike(other)); }
    public Tensor div(Tensor other) { return Ops.div(this, other); }
    public Tensor div(double other) { return Ops.div(this, scalarLike(other)); }
    public Tensor neg() { return Ops.neg(this); }
    public Tensor matmul(Tensor other) { return Ops.matmul(this, other); }
    public Tensor square() { return Ops.square(this); }
    public Tensor pow(double exponent) { return Ops.pow(this, exponent); }
    public Tensor sum() { return Ops.sum(this); }
    public Tensor mean() { return Ops.mean(this); }
    public Tensor reshape(long... shape) { return Ops.reshape(this, shape); }
    public Tensor transpose() { return Ops.transpose(this); }
    public Tensor transpose(int... perm) { return Ops.transpose(this, perm); }
    public Tensor sum(boolean keepDims, int... axes) { return Ops.sum(this, keepDims, axes); }
    public Tensor mean(boolean keepDims, int... axes) { return Ops.mean(this, keepDims, axes); }
    public Tensor cast(DataType type) { return Ops.cast(this, type); }

    /** A rank-0 constant of this tensor's data type. */
    public Tensor scalarLike(double v) {
        return new Tensor(Nd4j.scalar(value.dataType(), v));
    }

    @Override
    public String toString() {
        return "Tensor(shape=" + Arrays.toString(shape()) + ", dtype=" + dataType() + ", " + value + ")";
    }
}
