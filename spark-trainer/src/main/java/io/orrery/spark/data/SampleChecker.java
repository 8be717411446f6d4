package io.orrery.spark.data;

import java.io.Serializable;

/** Checks each sample against the model it is fed to; runs inside Spark tasks, on every sample once. */
public final class SampleChecker implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long inputWidth;
    private final int numClasses;

    public SampleChecker(long inputWidth, int numClasses) {
        this.inputWidth = inputWidth;
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
            throw new InvalidInputException("Input width does not match the model: expected " + inputWidth
                    + " features per sample (the model's input width), found " + sample.features().length
                    + " in sample " + position + ". Build the model for this width or reshape the features.");
        }
        if (sample.label() < 0 || sample.label() >= numClasses) {
            throw new InvalidInputException("Label out of range: expected a class index in [0, " + numClasses
                    + ") (the model has " + numClasses + " outputs), found " + sample.label() + " in sample "
                    + position + ". Fix the labels or give the model more outputs.");
        }
        return sample;
    }
}
