package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;

import java.util.Map;

/**
 * What {@link TrainingLoop} delegates: running one epoch of training. The loop owns everything around it (callbacks,
 * stopping, validation, the history), so a runner only trains: {@link Sequential#fit} runs batches in this JVM, a
 * distributed trainer runs one stage over its workers.
 */
public interface EpochRunner {

    /** Steps in each epoch, known before the first (callbacks receive it). */
    int stepsPerEpoch();

    /**
     * Trains one epoch.
     *
     * @param epoch the 0-based epoch index
     * @param batches told of each batch a runner trains in this JVM; a runner whose batches run elsewhere never
     *                calls it. A runner stops the epoch early when {@link BatchListener#batchEnd} returns false.
     * @return the epoch's logs: {@code loss} (mean over the epoch's samples, non-finite if training diverged) and the
     *         training metrics
     */
    Map<String, Double> runEpoch(int epoch, BatchListener batches);

    /**
     * Evaluates in-memory validation data, if the runner holds any (e.g. from a validation split); null otherwise.
     * The loop prefers {@link FitOptions#validation()} when set.
     */
    Map<String, Double> validate();

    /** The progress display for a verbosity of 1 or 2 (Keras's {@code verbose}); called once per fit. */
    Callback progress(int verbose);

    /** Batch hooks from a runner to the loop. */
    interface BatchListener {

        void batchBegin(int batch);

        /**
         * @param logs running means over the epoch so far ({@code loss} first)
         * @return whether to go on (false after a non-finite loss)
         */
        boolean batchEnd(int batch, Map<String, Double> logs);
    }
}
