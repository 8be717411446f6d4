package io.orrery.spark;

import java.io.Serializable;

/** A serializable recipe for a {@link ReplicableModel}: what an executor needs to build its own replica. */
@FunctionalInterface
public interface ModelSpec extends Serializable {

    /** Builds a fresh replica (new parameters are overwritten by the trainer with the current ones). */
    ReplicableModel build();
}
