package io.orrery.spark.data;

import java.io.Serializable;
import java.util.Objects;

/** One labelled example for a {@code JavaRDD<Sample>} input: a feature vector and a class index. */
public final class Sample implements Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] features;
    private final int label;

    /**
     * @param features the input vector (its length must equal the model's input width); not copied
     * @param label the class index in {@code [0, numClasses)}
     */
    public Sample(float[] features, int label) {
        this.features = Objects.requireNonNull(features, "features");
        this.label = label;
    }

    public float[] features() {
        return features;
    }

    public int label() {
        return label;
    }
}
