package io.orrery.examples;

import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The Keras book's convnet (chapter 8) on a 28x28 ten-class image dataset: images as (n, 28, 28, 1) scaled to [0, 1],
 * rmsprop, sparse categorical cross-entropy; prints the summary and {@code test_acc:}.
 */
final class ConvnetWalkthrough {

    private ConvnetWalkthrough() {
    }

    static double run(TrainTestSplit data, int epochs, int batchSize, long seed, PrintStream out) {
        var trainImages = data.train().images(28, 28, 1).div(255);
        var testImages = data.test().images(28, 28, 1).div(255);
        var trainLabels = data.train().labels();
        var testLabels = data.test().labels();
        Sequential model = BookModels.convnet(seed).build(28, 28, 1);
        String summary = model.summary(); // prints to standard output, as Keras's
        if (out != System.out) {
            out.println(summary);
        }
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        long t0 = System.nanoTime();
        model.fit(trainImages, trainLabels, FitOptions.defaults().epochs(epochs).batchSize(batchSize).seed(seed));
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println(String.format(Locale.ROOT, "trained %d epochs in %.1f s (%.1f s per epoch)", epochs, seconds, seconds / epochs));
        return Walkthrough.printTestAccuracy(model, testImages, testLabels, out);
    }
}
