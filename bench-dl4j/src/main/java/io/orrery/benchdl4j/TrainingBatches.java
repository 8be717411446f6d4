package io.orrery.benchdl4j;

import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The training mini-batches, loaded once per JVM and shared by the driver and local executors. */
final class TrainingBatches {

    private static Path loadedDir;
    private static int loadedBatch;
    private static List<DataSet> batches;

    private TrainingBatches() {
    }

    static synchronized List<DataSet> get(Path dir, int batch) {
        if (batches == null || !dir.equals(loadedDir) || batch != loadedBatch) {
            try {
                batches = MnistIdx.load(dir, "train", batch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loadedDir = dir;
            loadedBatch = batch;
        }
        return batches;
    }
}
