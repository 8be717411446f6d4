package io.orrery.spark;

import io.orrery.core.metrics.Metric;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Method;

/**
 * Copies and merges core metric states. {@code Metric.merge(Metric)} is part of core's metric contract (so that an
 * evaluation split over executors merges their states into one result); it is looked up reflectively so that this
 * module builds against core versions from before it landed, and fails with a clear message there.
 */
final class MetricStates {

    private MetricStates() {
    }

    /** A metric of the same kind and configuration with an empty state (a serialization copy, then reset). */
    static Metric copyEmpty(Metric metric) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(metric);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                Metric copy = (Metric) in.readObject();
                copy.resetState();
                return copy;
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Metric " + metric.name() + " (" + metric.getClass().getName()
                    + ") cannot be copied to the executors: expected a Serializable metric. " + e, e);
        }
    }

    /** Whether every metric can merge; the driver checks before it starts a distributed evaluation. */
    static void requireMergeable(Iterable<Metric> metrics) {
        for (Metric m : metrics) {
            mergeMethod(m);
        }
    }

    private static Method mergeMethod(Metric metric) {
        try {
            return metric.getClass().getMethod("merge", Metric.class);
        } catch (NoSuchMethodException e) {
            throw new UnsupportedOperationException("Metric " + metric.name() + " (" + metric.getClass().getName()
                    + ") has no merge(Metric): distributed evaluation needs mergeable metrics from core's metrics "
                    + "package. Evaluate on the driver with model.evaluate(x, y) instead.");
        }
    }

    /** {@code into.merge(other)}. */
    static void merge(Metric into, Metric other) {
        Method merge = mergeMethod(into);
        try {
            merge.invoke(into, other);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("merging metric " + into.name() + " failed: " + e.getCause(), e);
        }
    }
}
