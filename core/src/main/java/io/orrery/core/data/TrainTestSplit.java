package io.orrery.core.data;

/**
 * A dataset's training and test splits: the Java form of Keras's {@code (x_train, y_train), (x_test, y_test)}.
 *
 * @param train training split (MNIST: 60000 samples)
 * @param test  test split (MNIST: 10000 samples)
 */
public record TrainTestSplit(LabeledImages train, LabeledImages test) {

    /** Checks that both splits are given. */
    public TrainTestSplit {
        if (train == null || test == null) {
            throw new IllegalArgumentException("both a training and a test split are required");
        }
    }
}
