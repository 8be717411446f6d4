package io.orrery.core.tensor;

import io.orrery.core.autodiff.GradientTape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mutable state, like {@code tf.Variable}: weights are variables. A tape watches trainable variables by default.
 *
 * <p>{@link #assign}, {@link #assignAdd} and {@link #assignSub} write in place, so a variable that is a view into a
 * model's flat parameter buffer keeps being that view.
 *
 * <p>A gradient uses the values of the forward pass, as in TensorFlow: an operation run under a tape reads a
 * variable through {@link #read}, and before an assign (or a write through {@link #at}/{@link #slice}) changes the
 * value, the variable copies its old value into the reads still alive. So the copy happens only when a variable is
 * assigned while a tape may still need it. Writes straight into {@link #array()} (as an optimizer does into the
 * model's flat buffer) are not seen.
 */
public final class Variable extends Tensor {

    private final String name;
    private final boolean trainable;
    /** Reads of the current value that some tape recorded; weak, so a tape that is gone keeps nothing alive. */
    private final List<WeakReference<Tensor>> reads = new ArrayList<>();

    public Variable(INDArray initialValue) {
        this(initialValue, "Variable", true);
    }

    public Variable(INDArray initialValue, String name, boolean trainable) {
        super(initialValue, true);
        this.name = name;
        this.trainable = trainable;
    }

    /** A trainable scalar variable in the default float type, as {@code tf.Variable(0.)}. */
    public static Variable scalar(double initialValue, String name) {
        return new Variable(Nd4j.scalar(Backend.floatx(), initialValue), name, true);
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    /**
     * The variable's current value as a tensor that records on the open tapes as an identity of this variable, and
     * that keeps this value if the variable is assigned later. Operations read variables this way under a tape.
     */
    public Tensor read() {
        Tensor r = new Tensor(value, true);
        if (GradientTape.record(r, new Tensor[]{this}, g -> new Tensor[]{g})) {
            if (reads.size() >= 64) {
                reads.removeIf(ref -> ref.get() == null);
            }
            reads.add(new WeakReference<>(r));
        }
        return r;
    }

    /** Copies the current value into every live read before it changes. */
    private void beforeWrite() {
        if (reads.isEmpty()) {
            return;
        }
        INDArray frozen = null;
        for (WeakReference<Tensor> ref : reads) {
            Tensor r = ref.get();
            if (r != null) {
                if (frozen == null) {
                    frozen = value.dup();
                }
                r.value = frozen;
            }
        }
        reads.clear();
    }

    /** Replaces the value in place; shapes must match (a scalar is broadcast). */
    public Variable assign(Tensor newValue) {
        return assign(newValue.array());
    }

    public Variable assign(INDArray newValue) {
        checkShape(newValue, "assign");
        beforeWrite();
        value.assign(newValue);
        return this;
    }

    public Variable assign(double newValue) {
        beforeWrite();
        value.assign(newValue);
        return this;
    }

    /** {@code this += delta}, in place. */
    public Variable assignAdd(Tensor delta) {
        checkShape(delta.array(), "assignAdd");
        beforeWrite();
        value.addi(delta.array());
        return this;
    }

    /** {@code this -= delta}, in place. */
    public Variable assignSub(Tensor delta) {
        checkShape(delta.array(), "assignSub");
        beforeWrite();
        value.subi(delta.array());
        return this;
    }

    /** A writable sub-range, as TensorFlow's {@code v[0, 0]}: {@code v.at(0, 0).assign(3.0)}. */
    public Slice at(long... indices) {
        INDArrayIndex[] idx = new INDArrayIndex[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= value.size(i)) {
                throw new IndexOutOfBoundsException("index " + indices[i] + " out of range for axis " + i + " of size " + value.size(i)
                        + " in variable " + name + " of shape " + Arrays.toString(shape()));
            }
            idx[i] = NDArrayIndex.point(indices[i]);
        }
        return new Slice(this, value.get(idx));
    }

    /** A writable sub-range given by ND4J indices (intervals, points, all). */
    public Slice slice(INDArrayIndex... indices) {
        return new Slice(this, value.get(indices));
    }

    /** Makes this variable a view into another buffer (used when a model moves weights into its flat buffer). */
    public void rebind(INDArray view) {
        if (!Arrays.equals(view.shape(), value.shape())) {
            throw new IllegalArgumentException("rebind of " + name + ": expected shape " + Arrays.toString(value.shape())
                    + ", found " + Arrays.toString(view.shape()));
        }
        view.assign(value);
        this.value = view; // outstanding reads keep the old array, which nothing writes to any more
        reads.clear();
    }

    private void checkShape(INDArray other, String op) {
        if (other.length() != 1 && !Arrays.equals(other.shape(), value.shape())) {
            throw new IllegalArgumentException(op + " on variable " + name + ": expected shape " + Arrays.toString(value.shape())
                    + " (or a scalar), found " + Arrays.toString(other.shape()));
        }
    }

    /** A view onto part of a variable, writable in place. */
    public static final class Slice {
        private final Variable owner;
        private final INDArray view;

        Slice(Variable owner, INDArray view) {
            this.owner = owner;
            this.view = view;
        }

        public Slice assign(double v) { owner.beforeWrite(); view.assign(v); return this; }
        public Slice assign(Tensor v) { owner.beforeWrite(); view.assign(v.array()); return this; }
        public Slice assignAdd(double v) { owner.beforeWrite(); view.addi(v); return this; }
        public Slice assignAdd(Tensor v) { owner.beforeWrite(); view.addi(v.array()); return this; }
        public Slice assignSub(double v) { owner.beforeWrite(); view.subi(v); return this; }
        public Slice assignSub(Tensor v) { owner.beforeWrite(); view.subi(v.array()); return this; }
        public INDArray array() { return view; }
    }
}
