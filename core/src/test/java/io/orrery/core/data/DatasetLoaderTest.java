package io.orrery.core.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static io.orrery.core.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loader on cache folders built in a temporary directory from the real MNIST files: raw and gzipped files,
 * corrupt, truncated, mismatched and missing ones, and downloads from real (local) HTTP mirrors.
 */
class DatasetLoaderTest {

    @TempDir
    Path temp;

    private final List<HttpServer> servers = new ArrayList<>();

    /** A small dataset cut from the real MNIST test split: 50 training and 20 test samples. */
    private static Map<String, IdxFile> small;

    @BeforeAll
    static void cutSmallDataset() throws IOException {
        IdxFile images = IdxReader.read(TestFiles.realMnistFile("t10k-images-idx3-ubyte"));
        IdxFile labels = IdxReader.read(TestFiles.realMnistFile("t10k-labels-idx1-ubyte"));
        small = Map.of("small-train-images", images.samples(0, 50), "small-train-labels", labels.samples(0, 50),
                "small-test-images", images.samples(50, 70), "small-test-labels", labels.samples(50, 70));
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
        servers.clear();
    }

    /** Removes the links to the real files first, so that cleaning the temporary directory never follows them. */
    @AfterEach
    void removeLinks() throws IOException {
        try (Stream<Path> paths = Files.walk(temp)) {
            for (Path link : paths.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    private static DatasetDescriptor smallDescriptor(List<URI> mirrors) {
        return new DatasetDescriptor("Small", "small", mirrors,
                describe("small-train-images"), describe("small-train-labels"),
                describe("small-test-images"), describe("small-test-labels"));
    }

    private static DatasetFile describe(String name) {
        IdxFile content = small.get(name);
        return new DatasetFile(name, content.sha256(), TestFiles.raw(content).length);
    }

    /** A folder named {@code mnist} linking to the real files, with {@code replaced} written instead. */
    private Path mnistCopy(Map<String, byte[]> replaced) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("mnist"));
        for (DatasetFile file : Mnist.DESCRIPTOR.files()) {
            byte[] content = replaced.get(file.name());
            if (content == null) {
                content = replaced.get(file.name() + ".gz");
                if (content != null) {
                    Files.write(dir.resolve(file.name() + ".gz"), content);
                    continue;
                }
                TestFiles.link(dir, TestFiles.realMnistFile(file.name()));
            } else {
                Files.write(dir.resolve(file.name()), content);
            }
        }
        return dir;
    }

    private static byte[] realBytes(String name) throws IOException {
        return Files.readAllBytes(TestFiles.realMnistFile(name));
    }

    @Test
    void readsAMixOfRawAndGzippedFiles() throws IOException {
        Path dir = mnistCopy(Map.of(
                "t10k-images-idx3-ubyte.gz", TestFiles.gzip(realBytes("t10k-images-idx3-ubyte")),
                "t10k-labels-idx1-ubyte.gz", TestFiles.gzip(realBytes("t10k-labels-idx1-ubyte")),
                "train-labels-idx1-ubyte.gz", TestFiles.gzip(realBytes("train-labels-idx1-ubyte"))));
        TrainTestSplit mnist = Mnist.load(dir, false);
        assertEquals(60000, mnist.train().size());
        assertArrayEquals(new int[]{7, 2, 1}, new int[]{mnist.test().label(0), mnist.test().label(1),
                mnist.test().label(2)});
    }

    @Test
    void changedContentFailsTheHashCheckWithBothHashes() throws IOException {
        byte[] labels = realBytes("t10k-labels-idx1-ubyte");
        labels[8] = 1; // the first test label, 7, becomes 1: still a well-formed IDX file
        Path dir = mnistCopy(Map.of("t10k-labels-idx1-ubyte", labels));
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(dir, false));
        assertMessage(e, dir.resolve("t10k-labels-idx1-ubyte").toString(), "SHA-256",
                Mnist.DESCRIPTOR.testLabels().sha256(), Sha256.hex(labels), "delete it", "deploy/fetch-data.sh");
    }

    @Test
    void truncatedFileNamesTheFileAndBothLengths() throws IOException {
        byte[] cut = Arrays.copyOf(realBytes("t10k-labels-idx1-ubyte"), 5000);
        Path dir = mnistCopy(Map.of("t10k-labels-idx1-ubyte", cut));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, false));
        assertMessage(e, "MNIST", dir.resolve("t10k-labels-idx1-ubyte").toString(), "truncated", "10008", "5000",
                "deploy/fetch-data.sh");
    }

    @Test
    void wrongMagicInACachedFileIsReported() throws IOException {
        Path dir = mnistCopy(Map.of("train-labels-idx1-ubyte",
                "<!DOCTYPE html><title>404</title>".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, false));
        assertMessage(e, dir.resolve("train-labels-idx1-ubyte").toString(), "not an IDX file");
    }

    @Test
    void wrongDataTypeInACachedFileIsReported() throws IOException {
        byte[] labels = realBytes("t10k-labels-idx1-ubyte");
        labels[2] = 0x0C;
        Path dir = mnistCopy(Map.of("t10k-labels-idx1-ubyte", labels));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, false));
        assertMessage(e, dir.resolve("t10k-labels-idx1-ubyte").toString(), "0x0c", "int", "only 0x08");
    }

    @Test
    void missingFilesNameTheFolderTheFilesAndTheScript() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("mnist"));
        TestFiles.link(dir, TestFiles.realMnistFile("train-labels-idx1-ubyte"));
        DatasetException e = assertThrows(DatasetException.class, () -> Mnist.load(dir, false));
        assertMessage(e, dir.toString(), "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "disabled", "deploy/fetch-data.sh " + temp);
        String missing = e.getMessage().substring(e.getMessage().indexOf("missing:"));
        assertFalse(missing.substring(0, missing.indexOf('.')).contains("train-labels"), e.getMessage());
    }

    @Test
    void unreachableMirrorsGiveTheSameAdviceAndTheReasons() throws IOException {
        URI closed = URI.create("http://127.0.0.1:" + closedPort() + "/small/");
        Path dir = Files.createDirectories(temp.resolve("small"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetLoader.load(
                smallDescriptor(List.of(closed)), dir, true, fastDownloader()));
        assertMessage(e, dir.toString(), "small-train-images", "small-test-labels", "mirrors failed",
                closed.toString(), "unreachable", "deploy/fetch-data.sh");
    }

    @Test
    void downloadsVerifiesAndCachesFromTheFirstGoodMirror() throws IOException {
        Map<String, byte[]> good = new ConcurrentHashMap<>();
        Map<String, byte[]> bad = new ConcurrentHashMap<>();
        small.forEach((name, content) -> {
            good.put("/" + name + ".gz", TestFiles.gzip(TestFiles.raw(content)));
            byte[] tampered = TestFiles.raw(content);
            tampered[tampered.length - 1] ^= 1; // well-formed, but not the published bytes
            bad.put("/" + name + ".gz", TestFiles.gzip(tampered));
        });
        URI tampering = serve(bad);
        URI honest = serve(good);
        Path dir = temp.resolve("small");

        TrainTestSplit data = DatasetLoader.load(smallDescriptor(List.of(tampering, honest)), dir, true,
                fastDownloader());

        assertEquals(50, data.train().size());
        assertEquals(20, data.test().size());
        assertArrayEquals(small.get("small-test-labels").data(), data.test().labelsIdx().data());
        // Cached raw, with no temporary files left behind; a second load needs no mirror at all.
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("small-test-images", "small-test-labels", "small-train-images",
                    "small-train-labels"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertArrayEquals(TestFiles.raw(small.get("small-train-images")),
                Files.readAllBytes(dir.resolve("small-train-images")));
        stopServers();
        assertEquals(50, DatasetLoader.load(smallDescriptor(List.of(tampering, honest)), dir, true,
                fastDownloader()).train().size());
    }

    @Test
    void aMirrorServingWrongContentIsNotCached() throws IOException {
        Map<String, byte[]> wrong = new ConcurrentHashMap<>();
        small.forEach((name, content) -> wrong.put("/" + name + ".gz", TestFiles.gzip(TestFiles.raw(content))));
        wrong.put("/small-test-labels.gz", "Not Found".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        URI mirror = serve(wrong);
        Path dir = temp.resolve("small");
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetLoader.load(
                smallDescriptor(List.of(mirror)), dir, true, fastDownloader()));
        assertMessage(e, "missing: small-test-labels.", "not an IDX file");
        assertTrue(Files.isRegularFile(dir.resolve("small-train-images")));
        assertFalse(Files.exists(dir.resolve("small-test-labels")));
    }

    private static MirrorDownloader fastDownloader() {
        return new MirrorDownloader(Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** Starts a real HTTP server on loopback serving {@code files} by path; 404 for anything else. */
    private URI serve(Map<String, byte[]> files) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
