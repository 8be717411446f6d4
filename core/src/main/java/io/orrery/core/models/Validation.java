package io.orrery.core.models;

import java.util.Map;

/**
 * An evaluation the training loop runs after each epoch (see {@link FitOptions#validation(Validation)}), for data a
 * fit does not hold in memory: a distributed trainer evaluates on its executors.
 */
@FunctionalInterface
public interface Validation {

    /** Loss and metrics of the model as trained so far, unprefixed: {@code {loss=0.08, accuracy=0.975}}. */
    Map<String, Double> evaluate();
}
