package io.orrery.core.models;

import io.orrery.core.callbacks.Callback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one epoch loop of every {@code fit}: callbacks at Keras's hooks, validation after each epoch with the
 * {@code val_} prefix, the {@link History}, stopping when a callback asks ({@link Sequential#setStopTraining}) and
 * when the loss stops being finite. How an epoch trains is an {@link EpochRunner}'s job: {@link Sequential#fit} runs
 * batches in this JVM, a distributed trainer plugs in its own runner.
 */
public final class TrainingLoop {

    private final Sequential model;
    private final FitOptions options;
    private final EpochRunner runner;

    /**
     * @param model the model callbacks see and may stop through {@link Sequential#setStopTraining}; null when the
     *              trained model is not a {@link Sequential} (callbacks then cannot stop the fit)
     */
    public TrainingLoop(Sequential model, FitOptions options, EpochRunner runner) {
        this.model = model;
        this.options = Objects.requireNonNull(options, "options");
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** Runs epochs {@code initialEpoch .. epochs-1} and returns what happened. */
    public History run() {
        return run(new History());
    }

    /**
     * Runs the epochs, recording them into {@code history}, which the runner may also write to (events, run
     * figures); returns it.
     */
    public History run(History history) {
        List<Callback> callbacks = new ArrayList<>();
        if (options.verbose() > 0) {
            callbacks.add(runner.progress(options.verbose()));
        }
        callbacks.addAll(options.callbacks());
        int steps = runner.stepsPerEpoch();
        for (Callback c : callbacks) {
            c.setContext(model, options.epochs(), steps);
        }
        if (model != null) {
            model.setStopTraining(false);
        }
        callbacks.forEach(Callback::onTrainBegin);
        Map<String, Double> logs = new LinkedHashMap<>();
        Batches batches = new Batches(callbacks);
        for (int epoch = options.initialEpoch(); epoch < options.epochs(); epoch++) {
            for (Callback c : callbacks) {
                c.onEpochBegin(epoch);
            }
            batches.failedBatch = -1;
            logs = new LinkedHashMap<>(runner.runEpoch(epoch, batches));
            double loss = logs.getOrDefault("loss", Double.NaN);
            boolean diverged = !Double.isFinite(loss);
            if (diverged) {
                history.addEvent("stopped: loss became " + loss + " at epoch " + (epoch + 1)
                        + (batches.failedBatch < 0 ? "" : " batch " + (batches.failedBatch + 1))
                        + "; lower the learning rate or check the inputs for NaN/Inf");
            }
            // Also after a divergence, as Keras does: callbacks monitoring val_ values find them in the logs.
            Map<String, Double> val = validate();
            if (val != null) {
                for (Map.Entry<String, Double> e : val.entrySet()) {
                    logs.put("val_" + e.getKey(), e.getValue());
                }
            }
            history.recordEpoch(epoch, logs);
            for (Callback c : callbacks) {
                c.onEpochEnd(epoch, logs);
            }
            boolean stop = diverged || (model != null && model.stopTraining());
            if (stop && epoch + 1 < options.epochs()) {
                if (!diverged) {
                    history.addEvent("stopped early after epoch " + (epoch + 1));
                }
                break;
            }
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(logs);
        }
        return history;
    }

    private Map<String, Double> validate() {
        return options.validation() != null ? options.validation().evaluate() : runner.validate();
    }

    /** Passes batch hooks to the callbacks and stops the epoch at the first non-finite loss. */
    private static final class Batches implements EpochRunner.BatchListener {

        private final List<Callback> callbacks;
        private int failedBatch = -1;

        Batches(List<Callback> callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public void batchBegin(int batch) {
            for (Callback c : callbacks) {
                c.onTrainBatchBegin(batch);
            }
        }

        @Override
        public boolean batchEnd(int batch, Map<String, Double> logs) {
            if (!Double.isFinite(logs.getOrDefault("loss", 0.0))) {
                failedBatch = batch;
                return false;
            }
            for (Callback c : callbacks) {
                c.onTrainBatchEnd(batch, logs);
            }
            return true;
        }
    }
}
