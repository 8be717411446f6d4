package io.orrery.spark.exchange;

/** The gradient exchange failed: a peer or the server is unreachable or timed out. */
public final class ExchangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExchangeException(String message) {
        super(message);
    }

    public ExchangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
