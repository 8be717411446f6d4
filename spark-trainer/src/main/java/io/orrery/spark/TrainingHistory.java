package io.orrery.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link SparkTrainer#fit} did: per-epoch values as in Keras's {@code History.history} ({@code loss},
 * {@code val_loss}, {@code val_accuracy}, ...), plus what happened on the cluster (retried stages, GPU placement).
 */
public final class TrainingHistory {

    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final Map<Integer, String> gpuAddresses = new LinkedHashMap<>();
    private long steps;

    void record(String key, double value) {
        history.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    void event(String text) {
        events.add(text);
    }

    void gpu(int worker, String address) {
        gpuAddresses.put(worker, address);
    }

    void steps(long value) {
        steps = value;
    }

    /** Keras's {@code history.history}: metric name to one value per epoch. */
    public Map<String, List<Double>> history() {
        return Collections.unmodifiableMap(history);
    }

    /** Notable events in order, for example {@code "epoch=2 stage retried: attempt=1 resumed at step=117"}. */
    public List<String> events() {
        return Collections.unmodifiableList(events);
    }

    /** GPU address per worker index (last epoch); empty without GPU scheduling. */
    public Map<Integer, String> gpuAddresses() {
        return Collections.unmodifiableMap(gpuAddresses);
    }

    /** Global steps applied in total. */
    public long steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "TrainingHistory" + history + (events.isEmpty() ? "" : " events=" + events);
    }
}
