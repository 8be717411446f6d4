package io.orrery.spark.exec;

import io.orrery.spark.data.PartitionBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A worker's batch arrays (features {@code [batch, width]} and labels {@code [batch]}), refilled every step from its
 * partition. On the CPU backend the rows are copied straight into the arrays' host memory: going through a
 * {@code float[]} and ND4J's {@code setData} cost 0.4-0.5 ms per step for the reference batch (128 x 784), about 7%
 * of a {@code local[1]} step. Other backends (CUDA) take that route, since it also updates the device copy.
 */
final class TrainingBatch {

    private final INDArray x;
    private final INDArray y;
    private final int batch;
    /** Views of the arrays' host memory, or null when the backend keeps its arrays elsewhere. */
    private final FloatBuffer xHost;
    private final FloatBuffer yHost;
    private final float[] xStage;
    private final float[] yStage;

    TrainingBatch(int batch, int width) {
        this.batch = batch;
        this.x = Nd4j.create(DataType.FLOAT, batch, width);
        this.y = Nd4j.create(DataType.FLOAT, batch);
        boolean host = Nd4j.getEnvironment().isCPU() && x.data().asNio() != null && y.data().asNio() != null;
        this.xHost = host ? floats(x) : null;
        this.yHost = host ? floats(y) : null;
        this.xStage = host ? null : new float[batch * width];
        this.yStage = host ? null : new float[batch];
    }

    /** Fills the arrays with the samples {@code order[from .. from+batch)} of {@code data}. */
    void fill(PartitionBuffer data, int[] order, int from) {
        if (xHost != null) {
            data.gather(order, from, batch, xHost, yHost);
        } else {
            data.gather(order, from, batch, xStage, yStage);
            x.data().setData(xStage);
            y.data().setData(yStage);
        }
    }

    INDArray features() {
        return x;
    }

    INDArray labels() {
        return y;
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
