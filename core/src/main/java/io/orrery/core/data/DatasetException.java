package io.orrery.core.data;

/**
 * A dataset could not be loaded: files missing, corrupt, truncated or not the published version.
 *
 * <p>Unchecked, like Keras's errors from {@code load_data()}: there is nothing a caller can do about it in code, and
 * the message says what was expected, what was found and what to do.
 */
public class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was expected, what was found, and what to do */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * @param message what was expected, what was found, and what to do
     * @param cause   the underlying error
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
