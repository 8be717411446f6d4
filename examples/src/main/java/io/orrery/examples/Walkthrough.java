package io.orrery.examples;

import io.orrery.core.data.TrainTestSplit;
import io.orrery.core.layers.Dense;
import io.orrery.core.models.FitOptions;
import io.orrery.core.models.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The seed's first example, step by step, on a 28x28 ten-class image dataset (MNIST or Fashion-MNIST). */
final class Walkthrough {

    private Walkthrough() {
    }

    static double run(TrainTestSplit data, int epochs, int batchSize, long seed, PrintStream out) {
        INDArray trainImages = data.train().images();
        INDArray trainLabels = data.train().labels();
        INDArray testImages = data.test().images();
        INDArray testLabels = data.test().labels();
        out.println("train_images.shape " + shape(trainImages));
        out.println("len(train_labels) " + trainLabels.length());
        out.println("train_labels " + firstAndLast(trainLabels));
        out.println("test_images.shape " + shape(testImages));
        out.println("len(test_labels) " + testLabels.length());
        out.println("test_labels " + firstAndLast(testLabels));

        Sequential model = new Sequential(List.of(
                new Dense(512, "relu"),
                new Dense(10, "softmax")));
        model.setSeed(seed);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");

        long nTrain = trainImages.size(0);
        long nTest = testImages.size(0);
        trainImages = trainImages.reshape(nTrain, 28 * 28).castTo(DataType.FLOAT).divi(255);
        testImages = testImages.reshape(nTest, 28 * 28).castTo(DataType.FLOAT).divi(255);
        out.println(shape(trainImages));
        out.println(shape(testImages));

        model.fit(trainImages, trainLabels, FitOptions.defaults().epochs(epochs).batchSize(batchSize).seed(seed));

        INDArray testDigits = testImages.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all());
        INDArray predictions = model.predict(testDigits);
        INDArray first = predictions.getRow(0);
        out.println("predictions[0] " + Arrays.toString(first.toFloatVector()));
        int argmax = first.argMax().getInt(0);
        out.println("predictions[0].argmax() " + argmax);
        out.println(String.format(Locale.ROOT, "predictions[0][%d] %.7f", argmax, first.getDouble(argmax)));
        out.println("test_labels[0] " + testLabels.getInt(0));

        return printTestAccuracy(model, testImages, testLabels, out);
    }

    /** Evaluates {@code model} on the test set and prints {@code test_acc:} as the book does; returns it. */
    static double printTestAccuracy(Sequential model, INDArray testImages, INDArray testLabels, PrintStream out) {
        double testAcc = model.evaluate(testImages, testLabels).get("accuracy");
        out.println(String.format(Locale.ROOT, "test_acc: %.4f", testAcc));
        return testAcc;
    }

    static String shape(INDArray a) {
        long[] s = a.shape();
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            sb.append(i > 0 ? ", " : "").append(s[i]);
        }
        return sb.append(")").toString();
    }

    private static String firstAndLast(INDArray labels) {
        long n = labels.length();
        return String.format(Locale.ROOT, "[%d, %d, %d, ..., %d, %d, %d]", labels.getInt(0), labels.getInt(1), labels.getInt(2),
                labels.getInt((int) n - 3), labels.getInt((int) n - 2), labels.getInt((int) n - 1));
    }
}
