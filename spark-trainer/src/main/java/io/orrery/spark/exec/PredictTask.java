package io.orrery.spark.exec;

import io.orrery.spark.ModelSpec;
import io.orrery.spark.ReplicableModel;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Predicts class probabilities for one partition of feature vectors, in batches, keeping the input order. */
public final class PredictTask implements FlatMapFunction<Iterator<float[]>, float[]> {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final long inputWidth;
    private final Broadcast<float[]> parameters;
    private final int batchSize;

    public PredictTask(ModelSpec spec, long inputWidth, Broadcast<float[]> parameters, int batchSize) {
        this.spec = spec;
        this.inputWidth = inputWidth;
        this.parameters = parameters;
        this.batchSize = batchSize;
    }

    @Override
    public Iterator<float[]> call(Iterator<float[]> rows) {
        List<float[]> out = new ArrayList<>();
        if (!rows.hasNext()) {
            return out.iterator();
        }
        ReplicableModel replica = spec.build();
        replica.parameters().assign(Nd4j.createFromArray(parameters.value()));
        int width = Math.toIntExact(inputWidth);
        float[] buffer = new float[batchSize * width];
        long position = 0;
        while (rows.hasNext()) {
            int count = 0;
            while (count < batchSize && rows.hasNext()) {
                float[] row = rows.next();
                if (row.length != width) {
                    throw new io.orrery.spark.data.InvalidInputException("Input width does not match the model: "
                            + "expected " + width + " features per sample, found " + row.length + " in row "
                            + position + " of this partition. Build the model for this width or reshape the features.");
                }
                System.arraycopy(row, 0, buffer, count * width, width);
                count++;
                position++;
            }
            float[] batch = count == batchSize ? buffer : java.util.Arrays.copyOf(buffer, count * width);
            INDArray probabilities = replica.predict(Nd4j.createFromArray(batch).reshape(count, width));
            for (int i = 0; i < count; i++) {
                out.add(probabilities.getRow(i).toFloatVector());
            }
        }
        return out.iterator();
    }
}
