package io.orrery.spark;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link SoftmaxRegression} whose replica on worker {@code victim} halts its whole executor JVM at a given step
 * (global step) of a stage's first attempt: a real worker crash, as when a machine dies mid-epoch.
 */
final class DyingWorkerModel implements ReplicableModel {

    private final SoftmaxRegression model;
    private final int victim;
    private final long dieAtStep;

    DyingWorkerModel(SoftmaxRegression model, int victim, long dieAtStep) {
        this.model = model;
        this.victim = victim;
        this.dieAtStep = dieAtStep;
    }

    @Override
    public ModelSpec spec() {
        ModelSpec inner = model.spec();
        int v = victim;
        long d = dieAtStep;
        return () -> new DyingWorkerModel((SoftmaxRegression) inner.build(), v, d);
    }

    @Override
    public double computeGradients(INDArray x, INDArray y) {
        TaskContext task = TaskContext.get();
        // The optimizer's iteration count is the global step: it is restored from the driver at each stage start.
        if (task != null && task.partitionId() == victim && task.stageAttemptNumber() == 0
                && model.iterations() == dieAtStep) {
            Runtime.getRuntime().halt(137);
        }
        return model.computeGradients(x, y);
    }

    @Override public long inputWidth() { return model.inputWidth(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public INDArray parameters() { return model.parameters(); }
    @Override public INDArray gradients() { return model.gradients(); }
    @Override public void applyGradients() { model.applyGradients(); }
    @Override public byte[] optimizerState() { return model.optimizerState(); }
    @Override public void restoreOptimizerState(byte[] state) { model.restoreOptimizerState(state); }
    @Override public INDArray predict(INDArray x) { return model.predict(x); }
    @Override public Evaluation evaluate(INDArray x, INDArray y) { return model.evaluate(x, y); }

    SoftmaxRegression inner() {
        return model;
    }
}
