package io.orrery.core.data;

/** A file is not a well-formed IDX file of unsigned bytes: bad magic, unsupported type, wrong length, bad gzip. */
public final class IdxFormatException extends DatasetException {

    private static final long serialVersionUID = 1L;

    /** @param message names the file, what was expected and what was found */
    public IdxFormatException(String message) {
        super(message);
    }

    /**
     * @param message names the file, what was expected and what was found
     * @param cause   the underlying error (for example the gzip decoder's)
     */
    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
