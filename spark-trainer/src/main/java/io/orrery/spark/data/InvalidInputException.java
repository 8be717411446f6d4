package io.orrery.spark.data;

/**
 * The training or evaluation data does not fit the model (wrong column type, input width, label range).
 * Thrown on the driver; when found inside a Spark task, the trainer rethrows it unwrapped on the driver.
 */
public final class InvalidInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
