package io.orrery.spark.data;

import java.io.Serializable;
import java.util.Arrays;

/** Checks each sample against the model it is fed to; runs inside Spark tasks, on every sample once. */
public final class SampleChecker implements Serializable {

    private static final long serialVersionUID = 2L;

    private final long[] sampleShape;
    private final long inputWidth;
    private final int numClasses;

    /** For a model whose samples are flat vectors of {@code inputWidth} features. */
    public SampleChecker(long inputWidth, int numClasses) {
        this(new long[]{inputWidth}, numClasses);
    }

    /**
     * @param sampleShape the model's input shape without the batch axis, such as (28, 28, 1): a sample's flat
     *                    features are reshaped to it, so their count must be its product
     */
    public SampleChecker(long[] sampleShape, int numClasses) {
        long width = 1;
        for (long d : sampleShape) {
            width *= d;
        }
        this.sampleShape = sampleShape.clone();
        this.inputWidth = width;
        this.numClasses = numClasses;
    }

    public long inputWidth() {
        return inputWidth;
    }

    /**
     * @param position the sample's index in the data set, for the message
     * @throws InvalidInputException if the width or the label does not fit the model
     */
    public Sample check(Sample sample, long position) {
        if (sample.features().length != inputWidth) {
            throw new InvalidInputException(sampleShape.length == 1
                    ? "Input width does not match the model: expected " + inputWidth
                    + " features per sample (the model's input width), found " + sample.features().length
                    + " in sample " + position + ". Build the model for this width or reshape the features."
                    : "Input shape does not match the model: expected " + inputWidth + " features per sample, "
                    + "reshaped row-major (channels last) to the model's input shape " + shapeText(sampleShape)
                    + ", found " + sample.features().length + " features (shape "
                    + shapeText(new long[]{sample.features().length}) + ") in sample " + position
                    + ". Build the model for the data's shape (28x28 grey images, 784 features, fit (28, 28, 1))"
                    + " or give each sample " + inputWidth + " features.");
        }
        if (sample.label() < 0 || sample.label() >= numClasses) {
            throw new InvalidInputException("Label out of range: expected a class index in [0, " + numClasses
                    + ") (the model has " + numClasses + " outputs), found " + sample.label() + " in sample "
                    + position + ". Fix the labels or give the model more outputs.");
        }
        return sample;
    }

    /** Keras's way of printing a shape: (28, 28, 1), or (784,) for rank 1. */
    static String shapeText(long[] shape) {
        String inner = Arrays.toString(shape);
        inner = inner.substring(1, inner.length() - 1);
        return "(" + inner + (shape.length == 1 ? ",)" : ")");
    }
}
