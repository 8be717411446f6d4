package io.orrery.core.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/** TEMPORARY placeholder until the metrics branch lands (same API). */
public abstract class Metric implements java.io.Serializable {
    public abstract String name();
    public abstract void updateState(INDArray yTrue, INDArray yPred);
    public abstract double result();
    public abstract void resetState();
}
