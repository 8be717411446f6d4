package io.orrery.examples.spark;

import io.orrery.core.data.IdxFile;
import io.orrery.core.data.IdxReader;
import io.orrery.core.data.LabeledImages;
import io.orrery.spark.data.Sample;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.input.PortableDataStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads MNIST-format IDX files (raw or gzip) from a folder Spark can read (a local path, file://, hdfs://, s3a://...)
 * and turns them into samples of 784 floats in [0, 1] with integer labels.
 */
public final class IdxOverSpark {

    private static final long MAX_FILE_BYTES = 256L << 20;

    private IdxOverSpark() {
    }

    /**
     * Images and labels of one split ("train" or "t10k") as an RDD of {@code partitions} slices, read on the
     * executors: the driver only finds the two files, so no task carries the data (parallelizing a list of samples
     * would ship each slice inside its tasks, 90 MB per task for MNIST, on every job that reads the RDD).
     */
    public static JavaRDD<Sample> rdd(JavaSparkContext sc, String folder, String split, int partitions) {
        Map<String, PortableDataStream> files = sc.binaryFiles(folder).collectAsMap();
        PortableDataStream images = find(files, folder, split + "-images-idx3-ubyte");
        PortableDataStream labels = find(files, folder, split + "-labels-idx1-ubyte");
        List<Integer> slices = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            slices.add(p);
        }
        return sc.parallelize(slices, partitions).mapPartitionsWithIndex((p, ignored) -> {
            LabeledImages all = new LabeledImages(read(images), read(labels));
            int from = (int) ((long) p * all.size() / partitions);
            int to = (int) ((long) (p + 1) * all.size() / partitions);
            return MnistSamples.of(all.samples(from, to)).iterator();
        }, true);
    }

    private static IdxFile read(PortableDataStream file) {
        try (InputStream in = file.open()) {
            return IdxReader.read(in, file.getPath(), MAX_FILE_BYTES);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file.getPath() + ": " + ex.getMessage(), ex);
        }
    }

    private static PortableDataStream find(Map<String, PortableDataStream> files, String folder, String name) {
        for (Map.Entry<String, PortableDataStream> e : files.entrySet()) {
            String file = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            if (file.equals(name) || file.equals(name + ".gz")) {
                return e.getValue();
            }
        }
        List<String> found = new ArrayList<>();
        files.keySet().forEach(k -> found.add(k.substring(k.lastIndexOf('/') + 1)));
        throw new IllegalArgumentException("no " + name + " (or " + name + ".gz) in " + folder + "; found " + found
                + ". Put the four MNIST IDX files there (deploy/fetch-data.sh fetches them)");
    }
}
