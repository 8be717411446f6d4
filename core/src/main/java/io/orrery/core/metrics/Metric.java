package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stateful metric as in Keras: accumulate with {@link #updateState}, read with {@link #result}, clear with
 * {@link #resetState}.
 *
 * <p>Unlike Keras, every metric is also <b>mergeable</b>: {@link #merge} adds another metric's state to this one,
 * and the state of two halves merged equals the state of the whole (the states are counts and sums, never
 * per-batch averages). That is what makes distributed evaluation exact. States are plain Java values, so a metric
 * is {@link Serializable} and can travel between Spark executors and the driver.
 */
public abstract class Metric implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String name;

    /** @param name the name reported in logs and histories (Keras reports "accuracy" for SparseCategoricalAccuracy) */
    protected Metric(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("metric name: expected a non-empty string, found " + (name == null ? "null" : "\"" + name + "\""));
        }
        this.name = name;
    }

    /** The name this metric is reported under. */
    public String name() {
        return name;
    }

    /**
     * Accumulates one batch. An empty batch (no samples) changes nothing.
     *
     * @param yTrue labels; shape as the concrete metric documents, first dimension the batch
     * @param yPred predictions; first dimension the batch
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public abstract void updateState(INDArray yTrue, INDArray yPred);

    /** The metric over everything accumulated since the last reset; 0 when nothing has been seen. */
    public abstract double result();

    /** Forgets everything accumulated. */
    public abstract void resetState();

    /**
     * Adds {@code other}'s state to this one, as if this metric had also seen {@code other}'s batches.
     *
     * @throws IllegalArgumentException if {@code other} is a different kind of metric or configured differently
     */
    public final void merge(Metric other) {
        if (other == null || other.getClass() != getClass()) {
            throw new IllegalArgumentException("merge: expected a " + getClass().getSimpleName() + ", found "
                    + (other == null ? "null" : other.getClass().getSimpleName()) + "; only metrics of one kind merge");
        }
        Map<String, Object> mine = settings();
        Map<String, Object> theirs = other.settings();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("merge: " + getClass().getSimpleName() + " configurations differ: " + mine
                    + " vs " + theirs + "; merge only metrics built with the same settings");
        }
        mergeState(other);
    }

    /** Adds the state of {@code other}, which has the same class and settings. */
    protected abstract void mergeState(Metric other);

    /** A deep copy, state included. */
    public Metric copy() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(this);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (Metric) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("copy of metric " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Name and settings as plain values, with Keras's key names. */
    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        config.putAll(settings());
        return config;
    }

    /** The settings that change what is computed (thresholds, curve, ...); empty when there are none. */
    protected Map<String, Object> settings() {
        return new LinkedHashMap<>();
    }

    @Override
    public String toString() {
        return name + ": " + result();
    }

    static String shape(INDArray a) {
        return a == null ? "null" : Arrays.toString(a.shape());
    }

    static void requireNonNull(INDArray yTrue, INDArray yPred, String metric) {
        if (yTrue == null || yPred == null) {
            throw new IllegalArgumentException(metric + ": expected yTrue and yPred arrays, found yTrue=" + shape(yTrue)
                    + " yPred=" + shape(yPred));
        }
    }
}
