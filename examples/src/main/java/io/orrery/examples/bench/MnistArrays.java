package io.orrery.examples.bench;

import io.orrery.core.data.LabeledImages;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** MNIST images as the reference model takes them: one row of 784 floats in [0, 1] per image. */
final class MnistArrays {

    private MnistArrays() {
    }

    static INDArray flat(LabeledImages images) {
        return images.images().reshape(images.size(), 784).castTo(DataType.FLOAT).div(255);
    }
}
