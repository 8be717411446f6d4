package io.orrery.core.optimizers;

import java.util.Map;

/** A learning rate as a function of the 0-based iteration, as Keras's {@code LearningRateSchedule}. */
public interface LearningRateSchedule {

    double valueAt(long iteration);

    /** Plain-value configuration with a {@code "class_name"} entry, for model files. */
    Map<String, Object> getConfig();
}
