package io.orrery.ps.client;

/** A wait on the parameter server passed its deadline; the message names what was missing and from whom. */
public class ParameterServerTimeoutException extends RuntimeException {

    public ParameterServerTimeoutException(String message) {
        super(message);
    }
}
