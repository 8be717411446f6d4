package io.orrery.core.models;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, as Keras's {@code History}: per-epoch values of the loss and metrics ("loss", "accuracy",
 * "val_loss", ...), and notes on what happened (a distributed trainer records retries here).
 */
public final class History implements Serializable {

    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final List<Integer> epochs = new ArrayList<>();
    private final Map<String, Double> stats = new LinkedHashMap<>();

    /** Records the logs of one finished epoch (0-based). */
    public void recordEpoch(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        for (Map.Entry<String, Double> e : logs.entrySet()) {
            history.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
    }

    /** Notes something worth knowing about the run (a retried stage, a stop by EarlyStopping). */
    public void addEvent(String event) {
        events.add(event);
    }

    /** "loss", "accuracy", "val_loss", ... to their per-epoch values. */
    public Map<String, List<Double>> history() {
        return Collections.unmodifiableMap(history);
    }

    public List<Double> get(String key) {
        List<Double> values = history.get(key);
        if (values == null) {
            throw new IllegalArgumentException("no history for \"" + key + "\"; recorded: " + history.keySet());
        }
        return values;
    }

    /**
     * Records a figure about the whole run that is not a per-epoch log, e.g. a distributed trainer's mean step time
     * split or bytes on the wire; a later value for the same key replaces the earlier.
     */
    public void putStat(String key, double value) {
        stats.put(key, value);
    }

    /** Run-level figures ({@link #putStat}), in insertion order. */
    public Map<String, Double> stats() {
        return Collections.unmodifiableMap(stats);
    }

    /** The epochs that ran (0-based). */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public List<String> events() {
        return Collections.unmodifiableList(events);
    }

    @Override
    public String toString() {
        return "History" + history + (events.isEmpty() ? "" : " events=" + events);
    }
}
