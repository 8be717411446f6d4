package io.orrery.examples.spark;

import io.orrery.core.data.LabeledImages;
import io.orrery.spark.data.Sample;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

/** MNIST-format images as the Spark trainer's samples: 784 floats in [0, 1] and the integer label. */
public final class MnistSamples {

    private MnistSamples() {
    }

    public static List<Sample> of(LabeledImages images) {
        int n = images.size();
        float[][] x = images.images().reshape(n, -1).castTo(DataType.FLOAT).divi(255).toFloatMatrix();
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Sample(x[i], images.label(i)));
        }
        return out;
    }
}
