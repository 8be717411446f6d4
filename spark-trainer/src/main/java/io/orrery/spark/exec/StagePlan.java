package io.orrery.spark.exec;

import java.io.Serializable;

/**
 * What one barrier stage does: which epoch, how many steps of how many samples per worker, from which global step.
 *
 * @param epoch zero-based epoch index (part of the shuffle seed)
 * @param workers number of workers N (tasks of the stage)
 * @param workerBatch samples per worker and step (global batch / N)
 * @param stepsPerEpoch steps in this epoch, equal for all workers so that synchronous steps pair up
 * @param firstStep the global step this epoch starts at
 * @param seed the shuffle seed
 * @param tasksPerJvm how many training tasks share one JVM (their native thread pools are split)
 * @param sync whether steps are synchronous (a retried stage then skips the steps the server already applied)
 * @param serverInJvm whether the parameter server runs in the tasks' JVM (local mode), so that its threads need a core
 * @param reportState whether worker 0 returns its parameters and optimizer state (not needed when the driver hosts
 *                    the server, which holds both)
 */
public record StagePlan(int epoch, int workers, int workerBatch, int stepsPerEpoch, long firstStep, long seed,
                        boolean sync, int tasksPerJvm, boolean serverInJvm, boolean reportState)
        implements Serializable {
}
