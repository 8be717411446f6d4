package io.orrery.ps.client;

/**
 * A server told this worker it is no longer a member of the job: its worker id was taken over by another process
 * after this one was silent for longer than the server's worker timeout (a stopped or partitioned worker). The
 * worker must not go on with this client; restart it (a new client joins with a new id).
 */
public class WorkerEvictedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public WorkerEvictedException(String message) {
        super(message);
    }
}
