package io.orrery.spark;

import io.orrery.core.layers.Dense;
import io.orrery.core.models.Sequential;
import io.orrery.spark.data.Sample;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Reads the first n samples of the real MNIST IDX files, pixels scaled to [0, 1]; and a small model for them. */
final class MnistSubset {

    private MnistSubset() {
    }

    /**
     * The small MLP the parameter-server tests train on these samples: Dense(32, relu) -> Dense(10, softmax),
     * compiled with RMSprop, which has a slot per parameter, so its state must travel between server and driver.
     */
    static Sequential mlp(long seed) {
        Sequential model = new Sequential(List.of(new Dense(32, "relu"), new Dense(10, "softmax")));
        model.setSeed(seed);
        model.build(784);
        model.compile("rmsprop", "sparse_categorical_crossentropy", "accuracy");
        return model;
    }

    static List<Sample> train(int n) {
        return read("train-images-idx3-ubyte", "train-labels-idx1-ubyte", n);
    }

    static List<Sample> test(int n) {
        return read("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", n);
    }

    private static List<Sample> read(String images, String labels, int n) {
        Path dir = directory();
        try (DataInputStream x = open(dir.resolve(images)); DataInputStream y = open(dir.resolve(labels))) {
            if (x.readInt() != 2051 || y.readInt() != 2049) {
                throw new IOException("not MNIST IDX files in " + dir);
            }
            int count = Math.min(n, x.readInt());
            y.readInt();
            int rows = x.readInt();
            int cols = x.readInt();
            byte[] pixels = new byte[rows * cols];
            List<Sample> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                x.readFully(pixels);
                float[] f = new float[pixels.length];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (pixels[j] & 0xff) / 255f;
                }
                out.add(new Sample(f, y.readUnsignedByte()));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read MNIST from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    private static Path directory() {
        List<Path> candidates = new ArrayList<>();
        String root = System.getenv("ORRERY_DATA_DIR");
        if (root != null) {
            candidates.add(Paths.get(root, "mnist"));
        }
        candidates.add(Paths.get(System.getProperty("user.home"), ".orrery", "datasets", "mnist"));
        candidates.add(Paths.get("/tmp/mnistpack/package/data"));
        for (Path p : candidates) {
            if (Files.exists(p.resolve("train-images-idx3-ubyte"))) {
                return p;
            }
        }
        throw new IllegalStateException("MNIST IDX files not found in " + candidates);
    }
}
