package io.orrery.ps.transport;

/** A transport operation that could not complete; the message reads {@code key=value} so logs can be grepped. */
public class TransportException extends RuntimeException {

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
