package io.orrery.examples.bench;

import io.orrery.examples.bench.sim.StepPrediction;

import java.util.List;

/**
 * What the report shows about the simulator: how it was fitted, how close it came to measured points, and its
 * predictions.
 *
 * @param computeSecondsPerSample fitted compute time per sample of one worker
 * @param calibrationSource       which measured run fixed it, e.g. "orrery sync float32 b=128, 1 worker"
 * @param encoding                gradient encoding of the predictions
 * @param shards                  parameter-server shards of the predictions (spread over as many hosts)
 * @param checks                  measured points compared with the model
 * @param predictions             the sweep over workers and networks, both methods
 * @param clusterModel            how the model of this machine's clusters was fitted (which runs, which constants),
 *                                why it was not, or null when the grid has no cluster rows
 */
public record SimulationResult(double computeSecondsPerSample, String calibrationSource, String encoding,
                               int shards, List<Check> checks, List<StepPrediction> predictions,
                               String clusterModel) {

    /**
     * A measured point next to the model's prediction for it.
     *
     * @param path          the measured path and how the model was fitted to it, e.g. "local (loopback IPC)"
     * @param workers       workers of the measured run
     * @param measured      measured samples/s
     * @param predicted     predicted samples/s
     * @param relativeError (predicted - measured) / measured
     * @param stepDetail    measured against predicted compute and exchange per step, or null
     */
    public record Check(String path, int workers, double measured, double predicted, double relativeError,
                        String stepDetail) {

        /** A check of throughput only. */
        public Check(String path, int workers, double measured, double predicted, double relativeError) {
            this(path, workers, measured, predicted, relativeError, null);
        }
    }
}
