package io.orrery.spark;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * A {@link SoftmaxRegression} whose replica on worker {@code victim} exits its whole executor JVM at its
 * {@code dieAtCall}-th gradient computation: a real worker crash, as when a machine dies mid-epoch. It happens once
 * per test: the replica that dies first creates a marker file (executors share the host's file system).
 */
final class DyingWorkerModel implements ReplicableModel {

    private final SoftmaxRegression model;
    private final int victim;
    private final int dieAtCall;
    private final String marker;
    private int calls;

    DyingWorkerModel(SoftmaxRegression model, int victim, int dieAtCall, String marker) {
        this.model = model;
        this.victim = victim;
        this.dieAtCall = dieAtCall;
        this.marker = marker;
    }

    @Override
    public ModelSpec spec() {
        ModelSpec inner = model.spec();
        int v = victim;
        int d = dieAtCall;
        String m = marker;
        return () -> new DyingWorkerModel((SoftmaxRegression) inner.build(), v, d, m);
    }

    @Override
    public double computeGradients(INDArray x, INDArray y) {
        TaskContext task = TaskContext.get();
        calls++;
        if (task != null && task.partitionId() == victim && calls == dieAtCall) {
            try {
                Files.createFile(Paths.get(marker));
                // exit (not halt): the JVM dies mid-step, but its shutdown hooks still remove the shared media
                // driver's directory from /dev/shm, which a halted test JVM would leave behind.
                System.exit(137);
            } catch (FileAlreadyExistsException done) {
                // already died once
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return model.computeGradients(x, y);
    }

    @Override public long inputWidth() { return model.inputWidth(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public INDArray parameters() { return model.parameters(); }
    @Override public INDArray gradients() { return model.gradients(); }
    @Override public void applyGradients() { model.applyGradients(); }
    @Override public io.orrery.core.optimizers.Optimizer optimizer() { return model.optimizer(); }
    @Override public byte[] optimizerState() { return model.optimizerState(); }
    @Override public void restoreOptimizerState(byte[] state) { model.restoreOptimizerState(state); }
    @Override public io.orrery.core.optimizers.OptimizerState serverOptimizerState() {
        return model.serverOptimizerState();
    }
    @Override public void restoreOptimizerState(io.orrery.core.optimizers.OptimizerState state) {
        model.restoreOptimizerState(state);
    }
    @Override public INDArray predict(INDArray x) { return model.predict(x); }
    @Override public Evaluation evaluate(INDArray x, INDArray y) { return model.evaluate(x, y); }
}
