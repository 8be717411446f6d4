package io.orrery.spark.exec;

import java.io.Serializable;
import java.util.Map;

/**
 * What a training task sends back to the driver at the end of its stage.
 *
 * @param worker the worker index (partition id)
 * @param stageAttempt Spark's attempt number of the stage (greater than 0 after a retry)
 * @param executorId where the task ran
 * @param gpuAddress the GPU Spark assigned the task, or null without GPU scheduling
 * @param firstStep the step the task started from (after join)
 * @param steps steps completed
 * @param lossSum sum of this worker's batch losses
 * @param seconds wall time of the training loop
 * @param computeSeconds time in forward and backward passes
 * @param exchangeSeconds time in the gradient exchange (send, wait, apply)
 * @param sendSeconds the part of it spent sending gradients (0 if the exchange does not measure it)
 * @param waitSeconds the part spent waiting for the step's parameters after sending
 * @param bytesSent gradient payload bytes this worker sent
 * @param bytesReceived parameter payload bytes this worker received
 * @param metrics the replica's training metrics over its batches of this stage
 * @param parameters the final flat parameters (worker 0 only, else null); with colocated shards, every worker's
 *                   hosted shard's slice of them
 * @param optimizerState the final optimizer state (worker 0 only, else null); with colocated shards, the hosted
 *                       shard's slice of it
 * @param nonTrainable the replica's final non-trainable state (BatchNormalization's moving statistics), from every
 *                     worker, for the driver to average; null when the model has none
 */
public record TaskReport(int worker, int stageAttempt, String executorId, String gpuAddress, long firstStep,
                         int steps, double lossSum, double seconds,
                         double computeSeconds, double exchangeSeconds, double sendSeconds, double waitSeconds,
                         long bytesSent, long bytesReceived,
                         Map<String, Double> metrics, float[] parameters, byte[] optimizerState,
                         float[] nonTrainable)
        implements Serializable {

    /** A report without non-trainable state (models without it). */
    public TaskReport(int worker, int stageAttempt, String executorId, String gpuAddress, long firstStep,
                      int steps, double lossSum, double seconds,
                      double computeSeconds, double exchangeSeconds, double sendSeconds, double waitSeconds,
                      long bytesSent, long bytesReceived,
                      Map<String, Double> metrics, float[] parameters, byte[] optimizerState) {
        this(worker, stageAttempt, executorId, gpuAddress, firstStep, steps, lossSum, seconds, computeSeconds,
                exchangeSeconds, sendSeconds, waitSeconds, bytesSent, bytesReceived, metrics, parameters,
                optimizerState, null);
    }
}
