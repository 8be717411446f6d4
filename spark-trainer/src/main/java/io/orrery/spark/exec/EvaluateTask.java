package io.orrery.spark.exec;

import io.orrery.spark.Evaluation;
import io.orrery.spark.ModelSpec;
import io.orrery.spark.ReplicableModel;
import io.orrery.spark.data.PartitionBuffer;
import io.orrery.spark.data.Sample;
import io.orrery.spark.data.SampleChecker;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.List;

/**
 * Evaluates one partition: rebuilds the model with the broadcast parameters and merges the evaluation states of its
 * batches into one, which the driver merges with the other partitions'.
 */
public final class EvaluateTask implements FlatMapFunction<Iterator<Sample>, Evaluation> {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final SampleChecker checker;
    private final Broadcast<float[]> parameters;
    private final int batchSize;

    public EvaluateTask(ModelSpec spec, SampleChecker checker, Broadcast<float[]> parameters, int batchSize) {
        this.spec = spec;
        this.checker = checker;
        this.parameters = parameters;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<Evaluation> call(Iterator<Sample> samples) {
        PartitionBuffer data = PartitionBuffer.of(samples, checker);
        if (data.size() == 0) {
            return List.<Evaluation>of().iterator();
        }
        ReplicableModel replica = spec.build();
        replica.parameters().assign(Nd4j.createFromArray(parameters.value()));
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Evaluation total = null;
        for (int from = 0; from < data.size(); from += batchSize) {
            int count = Math.min(batchSize, data.size() - from);
            float[] xBuffer = new float[count * data.width()];
            float[] yBuffer = new float[count];
            data.gather(order, from, count, xBuffer, yBuffer);
            INDArray x = Nd4j.createFromArray(xBuffer).reshape(count, data.width());
            INDArray y = Nd4j.createFromArray(yBuffer).castTo(DataType.FLOAT);
            Evaluation part = replica.evaluate(x, y);
            total = total == null ? part : total.merge(part);
        }
        return List.of(total).iterator();
    }
}
