package io.orrery.examples.spark;

import io.orrery.core.data.LabeledImages;
import io.orrery.spark.data.Sample;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/** MNIST-format images as the Spark trainer's samples: 784 floats in [0, 1] and the integer label. */
public final class MnistSamples {

    private MnistSamples() {
    }

    public static List<Sample> of(LabeledImages images) {
        int n = images.size();
        float[][] x = features(images).toFloatMatrix();
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Sample(x[i], images.label(i)));
        }
        return out;
    }

    /** The images as the model takes them: one row of float32 pixels in [0, 1] per image. */
    public static INDArray features(LabeledImages images) {
        // div, not divi: castTo may hand back LabeledImages's own array, which must stay 0..255.
        return images.images().reshape(images.size(), -1).castTo(DataType.FLOAT).div(255);
    }
}
