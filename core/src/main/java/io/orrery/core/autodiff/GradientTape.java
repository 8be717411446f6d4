package io.orrery.core.autodiff;

import io.orrery.core.tensor.Ops;
import io.orrery.core.tensor.Tensor;
import io.orrery.core.tensor.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records the operations run while it is open, and computes gradients of a target with respect to sources, as
 * {@code tf.GradientTape}:
 *
 * <pre>{@code
 * Variable x = Variable.scalar(3.0, "x");
 * try (GradientTape tape = new GradientTape()) {
 *     Tensor y = x.square();
 *     Tensor dydx = tape.gradient(y, x);   // 6.0
 * }
 * }</pre>
 *
 * Trainable variables are watched automatically; other tensors only after {@link #watch}. Tapes nest: gradient
 * computations run while an outer tape is open are recorded by it, which gives second-order gradients.
 * A tape is per thread. {@code gradient} may be called more than once and after {@link #close()}.
 *
 * <p>Gradients are taken at the values of the forward pass, as in TensorFlow: a variable assigned between the
 * forward pass and {@code gradient} does not change the result (see {@link Variable#read()}).
 */
public final class GradientTape implements AutoCloseable {

    private static final ThreadLocal<Deque<GradientTape>> ACTIVE = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Entry> entries = new ArrayList<>();
    private final Set<Tensor> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Variables watched or read while recording, in first-seen order, for {@link #watchedVariables()}. */
    private final Set<Variable> watchedVariables = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Variable> watchedOrder = new ArrayList<>();
    private final boolean watchAccessedVariables;
    private boolean recording = true;
    private boolean open = true;

    /** Opens a tape that watches trainable variables automatically. */
    public GradientTape() {
        this(true);
    }

    /** Opens a tape; with {@code watchAccessedVariables=false} only tensors passed to {@link #watch} are tracked. */
    public GradientTape(boolean watchAccessedVariables) {
        this.watchAccessedVariables = watchAccessedVariables;
        ACTIVE.get().push(this);
    }

    /** Whether any tape on this thread is recording; lets fast paths skip bookkeeping. */
    public static boolean anyRecording() {
        for (GradientTape tape : ACTIVE.get()) {
            if (tape.recording) {
                return true;
            }
        }
        return false;
    }

    /** Asks the tape to track tensors that are not trainable variables (constants, inputs). */
    public void watch(Tensor... tensors) {
        for (Tensor t : tensors) {
            tracked.add(t);
            if (t instanceof Variable v) {
                noteVariable(v);
            }
        }
    }

    /**
     * The variables this tape watches: those passed to {@link #watch} and the trainable ones read while it recorded,
     * in the order first seen, as {@code tape.watched_variables()}.
     */
    public List<Variable> watchedVariables() {
        return List.copyOf(watchedOrder);
    }

    /**
     * Pauses recording on this tape until the returned handle is closed, as {@code with tape.stop_recording():}.
     * Operations run meanwhile are not differentiated by this tape (outer tapes still record them).
     *
     * <pre>{@code
     * try (var paused = tape.stopRecording()) {
     *     Tensor logged = Ops.mean(loss);   // not on this tape
     * }
     * }</pre>
     */
    public Paused stopRecording() {
        if (!open) {
            throw new IllegalStateException("stopRecording on a closed tape: expected an open tape (inside its try block); "
                    + "a closed tape records nothing already");
        }
        boolean was = recording;
        recording = false;
        return () -> recording = was && open;
    }

    /** Resumes recording when closed; see {@link #stopRecording()}. */
    @FunctionalInterface
    public interface Paused extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Called by every differentiable operation: records it on each open tape that tracks one of its inputs.
     *
     * @return whether any tape recorded it
     */
    public static boolean record(Tensor output, Tensor[] inputs, Backward backward) {
        Deque<GradientTape> tapes = ACTIVE.get();
        if (tapes.isEmpty()) {
            return false;
        }
        boolean any = false;
        for (GradientTape tape : tapes) {
            if (tape.recording && tape.tracksAny(inputs)) {
                tape.entries.add(new Entry(output, inputs, backward));
                tape.tracked.add(output);
                any = true;
            }
        }
        return any;
    }

    private boolean tracksAny(Tensor[] inputs) {
        boolean any = false;
        for (Tensor t : inputs) {
            if (t == null) {
                continue;
            }
            if (tracked.contains(t)) {
                any = true;
            } else if (watchAccessedVariables && t instanceof Variable v && v.trainable()) {
                noteVariable(v);
                any = true;
            }
        }
        return any;
    }

    private void noteVariable(Variable v) {
        if (watchedVariables.add(v)) {
            watchedOrder.add(v);
        }
    }

    /** Gradient of {@code target} with respect to one source; null if the target does not depend on it. */
    public Tensor gradient(Tensor target, Tensor source) {
        return gradient(target, List.of(source)).get(0);
    }

    /** Gradients of {@code target} with respect to each source, in order (null where unconnected). */
    public Tensor[] gradient(Tensor target, Tensor... sources) {
        return gradient(target, Arrays.asList(sources)).toArray(new Tensor[0]);
    }

    /** Gradients of {@code target} with respect to each source, in order (null where unconnected). */
    public List<Tensor> gradient(Tensor target, List<? extends Tensor> sources) {
        return gradient(target, sources, Ops.onesLike(target));
    }

    /**
     * Gradients of {@code sum(target * outputGradients)} with respect to each source, as TensorFlow's
     * {@code gradient(target, sources, output_gradients)}: back-propagates a given upstream gradient (the shape of
     * {@code target}) through what was recorded.
     */
    public List<Tensor> gradient(Tensor target, List<? extends Tensor> sources, Tensor outputGradients) {
        if (!Arrays.equals(target.shape(), outputGradients.shape())) {
            throw new IllegalArgumentException("output gradients must have the target's shape " + Arrays.toString(target.shape())
                    + ", found " + Arrays.toString(outputGradients.shape()));
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(target, outputGradients);
        boolean wasRecording = recording;
        recording = false; // the gradient computation is recorded by outer tapes only
        try {
            for (int i = entries.size() - 1; i >= 0; i--) {
                Entry e = entries.get(i);
                Tensor upstream = grads.get(e.output);
                if (upstream == null) {
                    continue;
                }
                Tensor[] inputGrads = e.backward.apply(upstream);
                for (int k = 0; k < e.inputs.length; k++) {
                    Tensor input = e.inputs[k];
                    Tensor g = inputGrads[k];
                    if (input == null || g == null) {
                        continue;
                    }
                    Tensor previous = grads.get(input);
                    grads.put(input, previous == null ? g : Ops.add(previous, g));
                }
            }
        } finally {
            recording = wasRecording && open;
        }
        List<Tensor> result = new ArrayList<>(sources.size());
        for (Tensor s : sources) {
            result.add(grads.get(s));
        }
        return result;
    }

    /**
     * The Jacobian of {@code target} with respect to {@code source}, shape {@code target.shape + source.shape}, as
     * {@code tape.jacobian}: one gradient per element of the target (the rows are stacked with differentiable
     * operations, so an outer tape can differentiate the Jacobian). Zeros where the target does not depend on the
     * source.
     */
    public Tensor jacobian(Tensor target, Tensor source) {
        long n = target.array().length();
        long[] ts = target.shape();
        long[] ss = source.shape();
        Tensor[] rows = new Tensor[(int) n];
        for (int i = 0; i < n; i++) {
            INDArray seed = Nd4j.zeros(target.dataType(), ts);
            seed.putScalar((long) i, 1.0);
            Tensor g = gradient(target, List.of(source), new Tensor(seed)).get(0);
            rows[i] = g == null ? Ops.zerosLike(source) : g;
        }
        long[] shape = Arrays.copyOf(ts, ts.length + ss.length);
        System.arraycopy(ss, 0, shape, ts.length, ss.length);
        return Ops.reshape(n == 1 ? rows[0] : Ops.stack(0, rows), shape);
    }

    /** Stops recording; gradients of what was recorded can still be asked for. Idempotent. */
    @Override
    public void close() {
        if (open) {
            open = false;
            recording = false;
            ACTIVE.get().remove(this);
        }
    }

    private record Entry(Tensor output, Tensor[] inputs, Backward backward) {
    }
}
