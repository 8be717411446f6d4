package io.orrery.ps.client;

/**
 * A wait on the parameter server ended early because the calling thread was interrupted or the client's
 * cancellation check ({@link ParameterServerClient#cancelWhen}) said so, for example a Spark task being killed.
 * The thread's interrupt flag is kept.
 */
public class WaitCancelledException extends RuntimeException {

    public WaitCancelledException(String message) {
        super(message);
    }
}
