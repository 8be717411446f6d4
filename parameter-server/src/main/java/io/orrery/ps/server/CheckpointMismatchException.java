package io.orrery.ps.server;

import java.nio.file.Path;

/**
 * An intact checkpoint of another job or model than the server is configured for. The server refuses to start:
 * resuming would load parameters of the wrong shape or optimizer state of the wrong optimizer, and falling back or
 * starting fresh would silently overwrite the other model's checkpoints.
 */
public final class CheckpointMismatchException extends IllegalStateException {

    CheckpointMismatchException(Path file, String found, String configured) {
        super("checkpoint " + file + " is of another model: it holds " + found + ", this server is configured with "
                + configured + "; point the checkpoint directory at this model's checkpoints, or start without resume");
    }

    CheckpointMismatchException(String message) {
        super(message);
    }
}
