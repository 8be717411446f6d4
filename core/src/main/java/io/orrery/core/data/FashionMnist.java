package io.orrery.core.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST, as Keras's {@code fashion_mnist.load_data()} gives it: 60000 training and 10000 test
 * images of clothing, 28x28 pixels (values 0..255), labels 0..9 (see {@link #CLASS_NAMES}).
 *
 * <p>Files are read from {@code <cache root>/fashion-mnist/} (see {@link DataDirectory}), downloaded from the public
 * mirrors if missing and allowed, and verified against the SHA-256 of the raw files (computed from the Debian package
 * {@code dataset-fashion-mnist}, whose content is the upstream release).
 */
public final class FashionMnist {

    /** Names of the ten classes, indexed by label, as in the Fashion-MNIST README. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The four files, their raw SHA-256 and lengths, and the mirrors. */
    public static final DatasetDescriptor DESCRIPTOR = new DatasetDescriptor("Fashion-MNIST", "fashion-mnist",
            List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                    URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/")),
            new DatasetFile("train-images-idx3-ubyte",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016L),
            new DatasetFile("train-labels-idx1-ubyte",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008L),
            new DatasetFile("t10k-images-idx3-ubyte",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016L),
            new DatasetFile("t10k-labels-idx1-ubyte",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008L));

    private FashionMnist() {
    }

    /**
     * Loads Fashion-MNIST from the cache ({@code ~/.orrery/datasets/fashion-mnist} unless {@code -Dorrery.data.dir}
     * or {@code ORRERY_DATA_DIR} say otherwise), downloading missing files unless
     * {@code -Dorrery.data.download=false}.
     *
     * @throws DatasetException if the files are missing or wrong; the message names the folder, the files and
     *                          {@code deploy/fetch-data.sh}
     */
    public static TrainTestSplit load() {
        return load(DataDirectory.of(DESCRIPTOR));
    }

    /**
     * Loads Fashion-MNIST from {@code directory}, the folder that holds the four files itself (not the cache root).
     * Downloads missing files unless {@code -Dorrery.data.download=false}.
     */
    public static TrainTestSplit load(Path directory) {
        return load(directory, DataDirectory.downloadEnabled());
    }

    /** Loads Fashion-MNIST from {@code directory}, the folder holding the four files; {@code download} allows mirrors. */
    public static TrainTestSplit load(Path directory, boolean download) {
        return DatasetLoader.load(DESCRIPTOR, directory, download);
    }
}
