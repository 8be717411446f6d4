package io.orrery.ps.client;

/** The server gave up on a SYNC step (a worker's gradient did not arrive in time); the message says who was missing. */
public class StepFailedException extends RuntimeException {

    private final long step;

    public StepFailedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The step that failed; parameters are still at this version and the step may be sent again. */
    public long step() {
        return step;
    }
}
