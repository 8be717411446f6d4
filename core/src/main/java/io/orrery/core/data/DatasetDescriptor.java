package io.orrery.core.data;

import java.net.URI;
import java.util.List;

/**
 * What identifies an IDX image-classification dataset: its name, its folder under the cache root, the mirrors that
 * serve it (each file as {@code <mirror><name>.gz}) and its four files with their pinned hashes.
 *
 * <p>{@link Mnist#DESCRIPTOR} and {@link FashionMnist#DESCRIPTOR} are the two built in; another dataset in the same
 * format (KMNIST, EMNIST splits) needs only a new descriptor and {@link DatasetLoader#load}.
 *
 * @param displayName   name used in messages, e.g. {@code "MNIST"}
 * @param directoryName folder under the cache root, e.g. {@code "mnist"}
 * @param mirrors       base URLs ending in {@code /}, tried in order
 * @param trainImages   training images, dimensions {@code [n, rows, cols]}
 * @param trainLabels   training labels, dimensions {@code [n]}
 * @param testImages    test images
 * @param testLabels    test labels
 */
public record DatasetDescriptor(String displayName, String directoryName, List<URI> mirrors,
                                DatasetFile trainImages, DatasetFile trainLabels,
                                DatasetFile testImages, DatasetFile testLabels) {

    /** Validates the fields and copies the mirror list. */
    public DatasetDescriptor {
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("dataset display name must not be blank");
        }
        if (directoryName == null || directoryName.isBlank() || directoryName.contains("/")
                || directoryName.contains("\\") || directoryName.startsWith(".")) {
            throw new IllegalArgumentException("dataset directory name: expected a plain folder name, found \""
                    + directoryName + "\"");
        }
        mirrors = List.copyOf(mirrors);
        for (URI mirror : mirrors) {
            if (!mirror.toString().endsWith("/")) {
                throw new IllegalArgumentException("mirror of " + displayName + ": expected a base URL ending in /, "
                        + "found " + mirror);
            }
        }
        if (trainImages == null || trainLabels == null || testImages == null || testLabels == null) {
            throw new IllegalArgumentException("dataset " + displayName + ": all four files must be given");
        }
    }

    /** The four files: train images, train labels, test images, test labels. */
    public List<DatasetFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }
}
