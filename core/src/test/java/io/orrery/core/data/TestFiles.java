package io.orrery.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Real dataset files from the cache, and small (possibly broken) copies of them for tests. */
final class TestFiles {

    private TestFiles() {
    }

    /** The real MNIST folder of the cache, which {@code deploy/fetch-data.sh} fills before the tests. */
    static Path mnistDir() {
        return DataDirectory.of(Mnist.DESCRIPTOR);
    }

    /** The real Fashion-MNIST folder of the cache. */
    static Path fashionDir() {
        return DataDirectory.of(FashionMnist.DESCRIPTOR);
    }

    /** A real MNIST file from the cache, raw; fails with the loader's advice if the cache is empty. */
    static Path realMnistFile(String name) {
        Path file = mnistDir().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("test data missing: " + file + ". Run " + DatasetLoader.FETCH_SCRIPT
                    + " first.");
        }
        return file;
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length / 4 + 64);
        // Fastest level: tests compress megabytes and only need a valid stream.
        try (OutputStream out = new GZIPOutputStream(bytes, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] raw(IdxFile idx) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            idx.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Copies a real file into {@code dir} under the same name, by symbolic link (no 47 MB copies). */
    static void link(Path dir, Path realFile) throws IOException {
        Files.createSymbolicLink(dir.resolve(realFile.getFileName()), realFile.toAbsolutePath());
    }
}
