package io.orrery.examples.spark;

import io.orrery.core.data.IdxFile;
import io.orrery.core.data.IdxReader;
import io.orrery.core.data.LabeledImages;
import io.orrery.spark.data.Sample;
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
final class IdxOverSpark {

    private static final long MAX_FILE_BYTES = 256L << 20;

    private IdxOverSpark() {
    }

    /** Images and labels of one split ("train" or "t10k"). */
    static List<Sample> samples(JavaSparkContext sc, String folder, String split) {
        Map<String, PortableDataStream> files = sc.binaryFiles(folder).collectAsMap();
        IdxFile images = read(files, folder, split + "-images-idx3-ubyte");
        IdxFile labels = read(files, folder, split + "-labels-idx1-ubyte");
        return MnistSamples.of(new LabeledImages(images, labels));
    }

    private static IdxFile read(Map<String, PortableDataStream> files, String folder, String name) {
        for (Map.Entry<String, PortableDataStream> e : files.entrySet()) {
            String file = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            if (file.equals(name) || file.equals(name + ".gz")) {
                try (InputStream in = e.getValue().open()) {
                    return IdxReader.read(in, e.getKey(), MAX_FILE_BYTES);
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot read " + e.getKey() + ": " + ex.getMessage(), ex);
                }
            }
        }
        List<String> found = new ArrayList<>();
        files.keySet().forEach(k -> found.add(k.substring(k.lastIndexOf('/') + 1)));
        throw new IllegalArgumentException("no " + name + " (or " + name + ".gz) in " + folder + "; found " + found
                + ". Put the four MNIST IDX files there (deploy/fetch-data.sh fetches them)");
    }
}
