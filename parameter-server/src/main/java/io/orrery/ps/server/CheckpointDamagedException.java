package io.orrery.ps.server;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be trusted (truncated, failing its checksum, not a checkpoint): the store falls back
 * to the previous complete version, naming the file in a warning.
 */
final class CheckpointDamagedException extends IOException {

    CheckpointDamagedException(Path file, String problem) {
        super("checkpoint " + file + " is damaged: " + problem);
    }
}
