package io.orrery.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * Mergeable evaluation state (loss sum, metric states) of some samples. Merging the states of disjoint parts of a
 * data set gives exactly the state of the whole, so evaluating on executors matches evaluating in one process.
 */
public interface Evaluation extends Serializable {

    /** Adds {@code other}'s samples to this state and returns this. */
    Evaluation merge(Evaluation other);

    /** Number of samples seen. */
    long count();

    /** Keras-style results, for example {@code {loss=0.31, accuracy=0.91}}. */
    Map<String, Double> results();
}
